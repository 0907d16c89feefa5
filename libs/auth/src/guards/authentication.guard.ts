import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import {
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

/**
 * Global guard: every route needs a bearer JWT or an API key (passport strategies 'jwt' and
 * 'api-key') unless it is @Public(); @Roles(), @RequireScopes() and @PasswordLoginOnly() then
 * narrow who may call it. The verified caller lands on `req.caller`, where @CurrentCaller() reads it.
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
    const req = context
      .switchToHttp()
      .getRequest<{ user?: Caller; caller?: Caller; ip?: string }>();
    try {
      await super.canActivate(context);
    } catch (error) {
      if (!(error instanceof Unauthenticated)) throw error;
      throw (await this.failures.recordFailure(req.ip ?? 'unknown')) ?? error;
    }
    req.caller = req.user;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    const caller = req.caller!;
    if (roles && !roles.includes(caller.role)) {
      throw new Forbidden(`This needs the ${roles.join(' or ')} role.`);
    }
    const scopes = this.reflector.getAllAndOverride<Scope[] | undefined>(REQUIRED_SCOPES, targets);
    for (const scope of scopes ?? []) assertScope(caller, scope);
    if (
      caller.via !== 'jwt' &&
      this.reflector.getAllAndOverride<boolean>(PASSWORD_LOGIN_ONLY, targets)
    ) {
      throw new Forbidden(
        'API keys are managed with a password login (its bearer access token), never with an API key.',
      );
    }
    return true;
  }

  override handleRequest<T>(error: unknown, user: T | false): T {
    if (error instanceof Error && !(error instanceof Unauthenticated)) throw error;
    if (!user) {
      throw new Unauthenticated(
        error instanceof Unauthenticated
          ? error.message
          : 'Send a bearer access token or an API key (Authorization: Bearer … or X-API-Key).',
      );
    }
    return user;
  }
}
