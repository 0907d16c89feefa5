export {
  type Entry,
  type FeedEntry,
  type IncrementOptions,
  type PutOptions,
  type RecordOptions,
  type StateEntry,
  StateStore,
} from './state-store.port.js';
export { StateModule, stateFile } from './state.module.js';
export { SqliteStateStore } from './sqlite/sqlite-state.store.js';
export { RedisStateStore } from './redis/redis-state.store.js';
export { LOCKS, LockTimeout, withSharedLock } from './shared-lock.js';
