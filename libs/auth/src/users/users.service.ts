import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Conflict, NotFound, type Role, UserDataErasure, UserDirectory } from '@memory-system/core';
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

  async accountRecords(
    userId: string,
  ): Promise<Array<{ namespace: string; id: string; value: unknown }>> {
    const user = await this.findById(userId);
    if (!user) return [];
    return [
      { namespace: USERS, id: user.id, value: user },
      { namespace: USERNAMES, id: user.username.toLowerCase(), value: { userId: user.id } },
    ];
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

  async update(
    id: string,
    changes: { disabled?: boolean; role?: Role; password?: string },
  ): Promise<User> {
    const user = await this.get(id);
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

  /** Deletes the user and, through every registered eraser, all their data. */
  async delete(id: string): Promise<void> {
    const user = await this.get(id);
    await this.erasure.eraseAll(id);
    await this.store.delete(USERS, id);
    await this.store.delete(USERNAMES, user.username.toLowerCase());
  }

  async verifyPassword(user: User | undefined, password: string): Promise<boolean> {
    const valid = await this.hasher.verify(user?.passwordHash, password);
    return valid && user !== undefined;
  }
}
