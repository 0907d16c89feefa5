export { SessionModule } from './session.module.js';
export { SessionsService } from './sessions.service.js';
export type { ContextItem, Session } from './session.js';
export { SessionContextService, type SessionContext } from './session-context.service.js';
export { SessionContextQuery } from './dto/session.dto.js';
export { sessionNotFound } from './sessions.service.js';
export type { SessionPage, SessionSummary } from './session.js';
