import type { Role } from '@memory-system/core';

export interface User {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What the API shows of a user: never the password hash. */
export type PublicUser = Omit<User, 'passwordHash'>;

export function toPublicUser({ passwordHash: _, ...user }: User): PublicUser {
  return user;
}
