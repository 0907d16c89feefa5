import type { Role } from './http/caller.js';

/**
 * Who the users are, for modules that act on a named user's data (an admin exporting a user's
 * memories) without depending on the auth module that keeps them. AuthModule provides it.
 */
export abstract class UserDirectory {
  /** The user with this id, or undefined. */
  abstract account(userId: string): Promise<{ id: string; role: Role } | undefined>;

  /**
   * The stored records that make up one account (for a restore to put back, so that the admin
   * who ran it can still log in): namespace, id and value, as the state store keeps them.
   */
  abstract accountRecords(
    userId: string,
  ): Promise<Array<{ namespace: string; id: string; value: unknown }>>;
}
