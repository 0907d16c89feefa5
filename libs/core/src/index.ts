export { AppConfig, type NodeEnv } from './config/app-config.js';
export { CoreConfigModule } from './config/core-config.module.js';
export { ConfigurationError, loadConfig } from './config/load-config.js';
export { EnvironmentSchema, SECRET_VARIABLES } from './config/environment.schema.js';
export * from './errors/domain-error.js';
export {
  PROBLEM_CONTENT_TYPE,
  ProblemDetailsFilter,
  type ProblemDocument,
} from './errors/problem-details.filter.js';
export { createValidationPipe } from './http/validation.js';
export { type Caller, CurrentCaller, LOCAL_USER_ID, LocalCallerGuard } from './http/caller.js';
export { LoggingModule } from './logging/logging.module.js';
export { KeyedMutex } from './keyed-mutex.js';
export { decodeCursor, encodeCursor } from './cursor.js';
