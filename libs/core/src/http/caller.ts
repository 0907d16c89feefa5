import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
} from '@nestjs/common';

/** Who is making the request. Services take it first and scope every read and write by it. */
export interface Caller {
  readonly userId: string;
}

export const LOCAL_USER_ID = 'local';

type RequestWithCaller = { caller?: Caller };

/**
 * Single-user mode: every request acts as the local user. Authentication replaces this guard
 * with one that sets the caller from a verified token; nothing downstream changes.
 */
@Injectable()
export class LocalCallerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<RequestWithCaller>();
    req.caller = { userId: LOCAL_USER_ID };
    return true;
  }
}

/** The authenticated caller; never read from the request body. */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const caller = context.switchToHttp().getRequest<RequestWithCaller>().caller;
  if (!caller) throw new Error('No caller on the request: is a caller guard registered?');
  return caller;
});
