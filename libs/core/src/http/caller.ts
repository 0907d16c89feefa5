import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { Forbidden } from '../errors/domain-error.js';
import type { Scope } from './scopes.js';

export type Role = 'admin' | 'user';

/** Who is making the request. Services take it first and scope every read and write by it. */
export interface Caller {
  /**
   * The memory space every read and write is scoped by: the account's id, or, when the request
   * acts for one of the account's end users (X-Memory-Subject), that subject's own space.
   * Account matters (keys, profile, admin work) use accountIdOf(caller) instead.
   */
  readonly userId: string;
  /** Set when the request acts for an end user of the account's app (see subject.ts). */
  readonly subject?: {
    readonly id: string;
    readonly ownerId: string;
    /**
     * How often the subject had been erased when the request began (SubjectRegistry.enter): a
     * write of a request that an erasure overtook is refused rather than landing afterwards.
     */
    readonly erasures?: number;
  };
  readonly role: Role;
  /**
   * How the caller proved who they are; `system`: the service acting on its own (the expiry
   * sweep, the admin CLI), never a request.
   */
  readonly via: 'jwt' | 'api-key' | 'system';
  /** What this credential may do (a password login: all its role allows; a key: what it was given). */
  readonly scopes: readonly Scope[];
}

/** A 403 that names the missing scope, unless the caller holds it. */
export function assertScope(caller: Caller, scope: Scope): void {
  if (caller.scopes.includes(scope)) return;
  throw new Forbidden(
    caller.via === 'api-key'
      ? `This API key lacks the scope ${scope}; create a key that has it.`
      : `This needs the scope ${scope}, which the ${caller.role} role does not have.`,
  );
}

/** The account behind the credentials, whichever memory space the request works in. */
export function accountIdOf(caller: Caller): string {
  return caller.subject?.ownerId ?? caller.userId;
}

type RequestWithCaller = { caller?: Caller };

/** The authenticated caller, set by the authentication guard; never read from the request body. */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const caller = context.switchToHttp().getRequest<RequestWithCaller>().caller;
  if (!caller) throw new Error('No caller on the request: is the route marked @Public()?');
  return caller;
});

/**
 * For what mints credentials (keys, accounts, passwords): a password login's access token only,
 * so that a leaked API key, whatever its scopes, cannot make itself new ways in.
 */
export function assertPasswordLogin(caller: Caller, what: string): void {
  if (caller.via === 'jwt') return;
  throw new Forbidden(
    `${what} needs a password login (its bearer access token), never an API key.`,
  );
}
