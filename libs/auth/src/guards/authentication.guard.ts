import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import {
  actingFor,
  assertPasswordLogin,
  assertScope,
  type Caller,
  Forbidden,
  IS_PUBLIC,
  PASSWORD_LOGIN_ONLY,
  REQUIRED_ROLES,
  REQUIRED_SCOPES,
  type Role,
  type Scope,
  Unauthenticated,
} from '@memory-system/core';
import { AuthFailureLimiter } from './auth-failure-limiter.js';

interface CredentialedRequest {
  user?: Caller;
  caller?: Caller;
  ip?: string;
  headers?: Record<string, string | string[] | undefined>;
}

/**
 * Global guard: every route needs a bearer JWT or an API key (passport strategies 'jwt' and
 * 'api-key') unless it is @Public(); @Roles(), @RequireScopes() and @PasswordLoginOnly() then
 * narrow who may call it. The verified caller lands on `req.caller`, where @CurrentCaller() reads it,
 * working in the memory space of the subject it names in X-Memory-Subject, if any.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard(['jwt', 'api-key']) implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly failures: AuthFailureLimiter,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<CredentialedRequest>();
    // Verified already when the request came with a body (before it was read).
    if (!req.caller) await this.verify(req, context);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    const caller = req.caller!;
    if (roles && !roles.includes(caller.role)) {
      throw new Forbidden(`This needs the ${roles.join(' or ')} role.`);
    }
    const scopes = this.reflector.getAllAndOverride<Scope[] | undefined>(REQUIRED_SCOPES, targets);
    for (const scope of scopes ?? []) assertScope(caller, scope);
    if (this.reflector.getAllAndOverride<boolean>(PASSWORD_LOGIN_ONLY, targets)) {
      assertPasswordLogin(caller, 'Managing API keys and creating accounts');
    }
    return true;
  }

  /**
   * Verifies a request's credentials before Nest knows its route (a Fastify hook, before the
   * body is read), exactly as for the route itself: the caller lands on `req.caller`, where this
   * guard finds it again; bad credentials throw 401 (429 past AUTH_FAILURE_LIMIT).
   */
  async authenticate(req: CredentialedRequest, reply: unknown): Promise<Caller> {
    const http = { getRequest: () => req, getResponse: () => reply, getNext: () => undefined };
    await this.verify(req, { switchToHttp: () => http } as unknown as ExecutionContext);
    return req.caller!;
  }

  /** Passport's strategies ('jwt', then 'api-key'); failures are counted per address. */
  private async verify(req: CredentialedRequest, context: ExecutionContext): Promise<void> {
    try {
      await super.canActivate(context);
    } catch (error) {
      if (!(error instanceof Unauthenticated)) throw error;
      throw (await this.failures.recordFailure(req.ip ?? 'unknown')) ?? error;
    }
    // The memory space is chosen here, once, from the credentials and X-Memory-Subject.
    req.caller = actingFor(req.user!, req.headers?.['x-memory-subject']);
  }

  override handleRequest<T>(error: unknown, user: T | false, info?: unknown): T {
    if (error instanceof Error && !(error instanceof Unauthenticated)) throw error;
    if (!user) {
      throw new Unauthenticated(
        error instanceof Unauthenticated
          ? error.message
          : (bearerTokenProblem(info) ??
              'Send a bearer access token or an API key (Authorization: Bearer … or X-API-Key).'),
      );
    }
    return user;
  }
}

/**
 * What the JWT strategy found wrong with a bearer token that was sent, said so that a client knows
 * whether to refresh or to log in again. Passport hands each strategy's reason over (an array when
 * several were tried); jsonwebtoken names its errors.
 */
export function bearerTokenProblem(info: unknown): string | undefined {
  for (const reason of Array.isArray(info) ? info : [info]) {
    if (!(reason instanceof Error)) continue;
    if (reason.name === 'TokenExpiredError') {
      const expiredAt = (reason as Error & { expiredAt?: Date }).expiredAt;
      return (
        `The access token expired${expiredAt ? ` at ${expiredAt.toISOString()}` : ''}: ` +
        'exchange the refresh token for a new one (POST /api/v1/auth/refresh) or log in again.'
      );
    }
    if (reason.name === 'JsonWebTokenError' || reason.name === 'NotBeforeError') {
      return `The access token is invalid (${reason.message}): log in again for a new one.`;
    }
  }
  return undefined;
}
