export { AppConfig, type NodeEnv } from './config/app-config.js';
export { CoreConfigModule } from './config/core-config.module.js';
export { ConfigurationError, durationMs, loadConfig } from './config/load-config.js';
export { EnvironmentSchema, SECRET_VARIABLES } from './config/environment.schema.js';
export * from './errors/domain-error.js';
export {
  PROBLEM_CONTENT_TYPE,
  ProblemDetailsFilter,
  type ProblemDocument,
  sendProblem,
} from './errors/problem-details.filter.js';
export { type ErrorSummary, ErrorDialects, type ErrorWriter } from './errors/error-dialects.js';
export { createValidationPipe, validateAs } from './http/validation.js';
export {
  accountIdOf,
  assertPasswordLogin,
  assertScope,
  type Caller,
  CurrentCaller,
  type Role,
} from './http/caller.js';
export {
  DEFAULT_KEY_SCOPES,
  isScope,
  LEGACY_KEY_SCOPES,
  PASSWORD_LOGIN_ONLY,
  PasswordLoginOnly,
  REQUIRED_SCOPES,
  RequireScopes,
  type Scope,
  SCOPES,
  scopesOfRole,
} from './http/scopes.js';
export {
  accountOfSpace,
  actingFor,
  assertSubjectId,
  isSubjectSpace,
  SUBJECT_HEADER,
  SUBJECT_ID_RULE,
  subjectOfSpace,
  subjectSpace,
} from './http/subject.js';
export { DataFolderInUse, DataFolderLock } from './data-folder-lock.js';
export { StartupWork } from './startup-work.js';
export { type UserDataEraser, UserDataErasure } from './user-data-erasure.js';
export { type RestoreFollowUp, RestoreFollowUps } from './restore-follow-ups.js';
export { LoggingModule } from './logging/logging.module.js';
export { AuditLog } from './logging/audit-log.js';
export { jsonLogs, logStartFailure, startupLogger } from './logging/startup-logger.js';
export { KeyedMutex } from './keyed-mutex.js';
export {
  decodeCursor,
  encodeCursor,
  isKeyCursor,
  isOffsetCursor,
  type KeyCursor,
  type OffsetCursor,
} from './cursor.js';
export { IS_PUBLIC, Public, REQUIRED_ROLES, Roles } from './http/public.decorator.js';
export { type BreakerState, Metrics, type Outcome } from './metrics/metrics.js';
export { AppCacheModule } from './cache/cache.module.js';
export { QueryLimit } from './http/query-limit.decorator.js';
export { isStopWord, spokenWordCounts, tokenize } from '@memory-system/text';
export { APP_VERSION } from './app-version.js';
export {
  type AccountRestoreOptions,
  type AccountSettlement,
  type AccountStanding,
  RestoredAccounts,
  UserDirectory,
} from './user-directory.js';
export { MAX_JSON_DEPTH, nestsDeeperThan } from './http/json-depth.js';
export { makeRoom } from './make-room.js';
export { requestIdFor } from './http/request-id.js';
export { VECTOR_LIMITS, vectorProblem } from './vectors/vector-check.js';
