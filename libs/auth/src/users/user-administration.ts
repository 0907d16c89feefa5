import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditLog, Conflict, InvalidRequest, NotFound, type Role } from '@memory-system/core';
import { ApiKeysService, type ApiKeyView } from '../api-keys/api-keys.service.js';
import { TokenService } from '../tokens/token.service.js';
import { type PublicUser, toPublicUser } from './user.js';
import { UsersService } from './users.service.js';

/**
 * What an administrator does to accounts, for the admin API and the CLI alike (the CLI is the
 * way in when no admin can log in).
 */
@Injectable()
export class UserAdministration {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly apiKeys: ApiKeysService,
    private readonly audit: AuditLog,
  ) {}

  /** A user by username or id; a 404 names what was asked for. */
  async find(usernameOrId: string): Promise<PublicUser> {
    const user =
      (await this.users.findByUsername(usernameOrId)) ?? (await this.users.findById(usernameOrId));
    if (!user) {
      throw new NotFound(
        'User not found',
        `No user named or with id ${JSON.stringify(usernameOrId)}.`,
      );
    }
    return toPublicUser(user);
  }

  /** Every user, in pages under the hood. */
  async listUsers(): Promise<PublicUser[]> {
    const all: PublicUser[] = [];
    for (let after: string | undefined; ;) {
      const page = await this.users.list({ limit: 500, after });
      all.push(...page.map(toPublicUser));
      if (page.length < 500) return all;
      after = page[page.length - 1]!.id;
    }
  }

  async create(username: string, password: string, role: Role): Promise<PublicUser> {
    const user = toPublicUser(await this.users.create(username, password, role));
    this.audit.record('admin.user-created', { user: user.id, username, role });
    return user;
  }

  /**
   * Changes an account; disabling it or setting a new password ends every login session. API keys
   * outlive a new password unless `revokeApiKeys` says otherwise (the answer counts those left).
   */
  async update(
    id: string,
    changes: { disabled?: boolean; role?: Role; password?: string; revokeApiKeys?: boolean },
    by?: { userId: string },
  ): Promise<PublicUser & { apiKeysStillWorking?: number }> {
    if (changes.revokeApiKeys && !changes.password) {
      throw new InvalidRequest('revokeApiKeys goes with a new password.');
    }
    if (by && id === by.userId && (changes.disabled || changes.role === 'user')) {
      throw new Conflict('An admin cannot disable or demote their own account.');
    }
    const user = await this.users.update(id, changes);
    if (changes.disabled || changes.password) await this.tokens.revokeAllFor(id);
    if (changes.revokeApiKeys) await this.apiKeys.eraseUserData(id);
    this.audit.record('admin.user-changed', {
      user: id,
      by: by?.userId,
      disabled: changes.disabled,
      role: changes.role,
      password: changes.password ? 'changed' : undefined,
      apiKeys: changes.revokeApiKeys ? 'revoked' : undefined,
    });
    if (!changes.password) return toPublicUser(user);
    return { ...toPublicUser(user), apiKeysStillWorking: (await this.apiKeys.listAll(id)).length };
  }

  /** Sets a new random password (shown to the operator once) and ends the user's sessions. */
  async resetPassword(
    id: string,
    options: { revokeApiKeys?: boolean } = {},
  ): Promise<{ password: string; apiKeysStillWorking: number }> {
    const password = randomBytes(18).toString('base64url');
    const user = await this.update(id, { password, revokeApiKeys: options.revokeApiKeys });
    return { password, apiKeysStillWorking: user.apiKeysStillWorking ?? 0 };
  }

  /** Every API key, or one user's, with its owner. */
  async listKeys(userId?: string): Promise<Array<ApiKeyView & { userId: string }>> {
    return this.apiKeys.listAll(userId);
  }

  /** Deletes the account and every piece of its data. */
  async delete(id: string, by?: { userId: string }): Promise<void> {
    await this.users.delete(id);
    this.audit.record('admin.user-deleted', { user: id, by: by?.userId });
  }

  revokeKey(id: string): Promise<void> {
    return this.apiKeys.revokeById(id);
  }
}
