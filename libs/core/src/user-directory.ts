import type { Role } from './http/caller.js';

/**
 * Who the users are, for modules that act on a named user's data (an admin exporting a user's
 * memories) without depending on the auth module that keeps them. AuthModule provides it.
 */
export abstract class UserDirectory {
  /** The user with this id, or undefined. */
  abstract account(userId: string): Promise<{ id: string; role: Role } | undefined>;
}
