import type { Role } from '@memory-system/core';

export interface User {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  disabled: boolean;
  /** Set (with disabled) when a deletion starts, so that no write lands while it erases. */
  deletingSince?: string;
  createdAt: string;
  updatedAt: string;
}

/** What the API shows of a user: never the password hash. */
export type PublicUser = Omit<User, 'passwordHash' | 'deletingSince'>;

export function toPublicUser({ passwordHash: _, deletingSince: __, ...user }: User): PublicUser {
  return user;
}
