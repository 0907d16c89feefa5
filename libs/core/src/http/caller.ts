import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

export type Role = 'admin' | 'user';

/** Who is making the request. Services take it first and scope every read and write by it. */
export interface Caller {
  readonly userId: string;
  readonly role: Role;
  /** How the caller proved who they are. */
  readonly via: 'jwt' | 'api-key';
}

type RequestWithCaller = { caller?: Caller };

/** The authenticated caller, set by the authentication guard; never read from the request body. */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const caller = context.switchToHttp().getRequest<RequestWithCaller>().caller;
  if (!caller) throw new Error('No caller on the request: is the route marked @Public()?');
  return caller;
});
