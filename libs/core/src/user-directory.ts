import type { Role } from './http/caller.js';

/**
 * Who the users are, for modules that act on a named user's data (an admin exporting a user's
 * memories) without depending on the auth module that keeps them. AuthModule provides it.
 */
export abstract class UserDirectory {
  /** The user with this id, or undefined. */
  abstract account(userId: string): Promise<{ id: string; role: Role } | undefined>;

  /**
   * Whether the account may still have data written for it: 'active'; 'disabled' (nothing new is
   * stored, though work of its own may still be taken back); 'gone' (deleted, or being deleted).
   */
  abstract standing(userId: string): Promise<AccountStanding>;
}

export type AccountStanding = 'active' | 'disabled' | 'gone';

export interface AccountRestoreOptions {
  mode: 'replace' | 'merge';
  /** Accounts that exist now keep their password, disabled flag and API keys. */
  keepCredentials: boolean;
  /**
   * The admin running the restore (API): their username reaches the archive's account of that
   * name, with their current password, or their own account is kept as it is.
   */
  restoringUserId?: string;
}

/** What a restore did to accounts, for its answer. */
export interface AccountSettlement {
  /** The restoring admin's name and password now reach this archived account. */
  adopted?: { username: string; userId: string };
  /** Accounts that kept their current password and keys (keepCredentials). */
  keptCredentials: number;
  /** Accounts whose name another account holds: they came back under a new name. */
  renamed: Array<{ userId: string; from: string; to: string }>;
}

/**
 * Accounts across a restore, which writes state entries blindly: one captures the accounts as
 * they are, the step it returns settles them once the archive is written (unique usernames, the
 * restoring admin's way in, current credentials when asked). AuthModule provides it.
 */
export abstract class RestoredAccounts {
  abstract prepare(options: AccountRestoreOptions): Promise<() => Promise<AccountSettlement>>;
}
