export { SessionModule } from './session.module.js';
export { SessionsService } from './sessions.service.js';
export type { ContextItem, Session } from './session.js';
