import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  type AccountStanding,
  Conflict,
  NotFound,
  type Role,
  UserDataErasure,
  UserDirectory,
} from '@memory-system/core';
import { StateStore } from '@memory-system/state';
import { PasswordHasher } from './password-hasher.js';
import type { User } from './user.js';

const USERS = 'users';
const USERNAMES = 'usernames';

export const userNotFound = (id: string) =>
  new NotFound('User not found', `No user with id ${JSON.stringify(id)}.`);

/** Users, stored in the state store; usernames are unique regardless of case. */
@Injectable()
export class UsersService implements UserDirectory {
  constructor(
    private readonly store: StateStore,
    private readonly hasher: PasswordHasher,
    private readonly erasure: UserDataErasure,
  ) {}

  async create(username: string, password: string, role: Role): Promise<User> {
    const now = new Date().toISOString();
    const user: User = {
      id: randomUUID(),
      username,
      passwordHash: await this.hasher.hash(password),
      role,
      disabled: false,
      createdAt: now,
      updatedAt: now,
    };
    // The username claim is taken first and atomically: two racing creates cannot both win.
    if (!(await this.store.insert(USERNAMES, username.toLowerCase(), { userId: user.id }))) {
      throw new Conflict(`The username ${JSON.stringify(username)} is taken.`);
    }
    await this.store.put(USERS, user.id, user);
    return user;
  }

  async account(userId: string): Promise<{ id: string; role: Role } | undefined> {
    const user = await this.findById(userId);
    return user && { id: user.id, role: user.role };
  }

  async standing(userId: string): Promise<AccountStanding> {
    const user = await this.findById(userId);
    if (!user || user.deletingSince) return 'gone';
    return user.disabled ? 'disabled' : 'active';
  }

  async findById(id: string): Promise<User | undefined> {
    return this.store.get<User>(USERS, id);
  }

  async get(id: string): Promise<User> {
    const user = await this.findById(id);
    if (!user) throw userNotFound(id);
    return user;
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const claim = await this.store.get<{ userId: string }>(USERNAMES, username.toLowerCase());
    return claim ? this.findById(claim.userId) : undefined;
  }

  async list(page: { limit: number; after?: string }): Promise<User[]> {
    return (await this.store.list<User>(USERS, page)).map((entry) => entry.value);
  }

  /** Every user, read a page at a time. */
  async all(): Promise<User[]> {
    const users: User[] = [];
    for (let after: string | undefined; ;) {
      const page = await this.list({ limit: 500, after });
      users.push(...page);
      if (page.length < 500) return users;
      after = page[page.length - 1]!.id;
    }
  }

  /** Every username claim (lower-cased name and the user it leads to), for a restore to check. */
  async claims(): Promise<Array<{ name: string; userId: string }>> {
    const claims: Array<{ name: string; userId: string }> = [];
    for (let after: string | undefined; ;) {
      const page = await this.store.list<{ userId: string }>(USERNAMES, { limit: 500, after });
      claims.push(...page.map((entry) => ({ name: entry.id, userId: entry.value.userId })));
      if (page.length < 500) return claims;
      after = page[page.length - 1]!.id;
    }
  }

  /** Writes a user record as given (a restore settling accounts). */
  async save(user: User): Promise<void> {
    await this.store.put(USERS, user.id, user);
  }

  /** Makes `username` lead to `userId` (a restore settling who holds a name). */
  async assignName(username: string, userId: string): Promise<void> {
    await this.store.put(USERNAMES, username.toLowerCase(), { userId });
  }

  async releaseName(name: string): Promise<void> {
    await this.store.delete(USERNAMES, name.toLowerCase());
  }

  /**
   * Gives the user a free name made of their old one and their id (a restore brought back an
   * account whose name another account holds); returns it.
   */
  async renameAside(user: User): Promise<string> {
    const stem = user.username.slice(0, 40);
    for (let attempt = 0; ; attempt++) {
      const candidate = `${stem}.restored-${user.id.replace(/-/g, '').slice(0, 8)}${attempt ? `-${attempt}` : ''}`;
      if (await this.store.insert(USERNAMES, candidate.toLowerCase(), { userId: user.id })) {
        await this.save({ ...user, username: candidate, updatedAt: new Date().toISOString() });
        return candidate;
      }
    }
  }

  async update(
    id: string,
    changes: { disabled?: boolean; role?: Role; password?: string },
  ): Promise<User> {
    const user = await this.get(id);
    if (user.deletingSince) throw userNotFound(id); // being deleted: it cannot come back
    const updated: User = {
      ...user,
      disabled: changes.disabled ?? user.disabled,
      role: changes.role ?? user.role,
      passwordHash: changes.password ? await this.hasher.hash(changes.password) : user.passwordHash,
      updatedAt: new Date().toISOString(),
    };
    await this.store.put(USERS, id, updated);
    return updated;
  }

  /**
   * Deletes the user and, through every registered eraser, all their data. The account is marked
   * first: from then on no write of theirs lands (the erasers wait for those already under way),
   * and a deletion cut short leaves it disabled, to be deleted again.
   */
  async delete(id: string): Promise<void> {
    const user = await this.get(id);
    const now = new Date().toISOString();
    await this.store.put(USERS, id, {
      ...user,
      disabled: true,
      deletingSince: now,
      updatedAt: now,
    });
    await this.erasure.eraseAll(id);
    await this.store.delete(USERS, id);
    await this.store.delete(USERNAMES, user.username.toLowerCase());
  }

  async verifyPassword(user: User | undefined, password: string): Promise<boolean> {
    const valid = await this.hasher.verify(user?.passwordHash, password);
    return valid && user !== undefined;
  }
}
