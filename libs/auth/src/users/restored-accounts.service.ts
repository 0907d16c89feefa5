import { Injectable, Logger } from '@nestjs/common';
import {
  type AccountRestoreOptions,
  type AccountSettlement,
  AuditLog,
  RestoredAccounts,
} from '@memory-system/core';
import { ApiKeysService, type StoredApiKey } from '../api-keys/api-keys.service.js';
import { TokenService } from '../tokens/token.service.js';
import type { User } from './user.js';
import { UsersService } from './users.service.js';

type StoredKeys = Array<{ id: string; record: StoredApiKey }>;

/**
 * Settles accounts after a restore wrote the archive's state entries (which know nothing of
 * usernames): every name leads to exactly one account, the admin who ran the restore gets in
 * with their current password, and, when asked, accounts keep their current credentials.
 *
 * Which account keeps a name that several hold: the archive's account the restoring admin took
 * over, else an account that existed before the restore (merge), else the one the name's claim
 * leads to, else the oldest. Every other one comes back renamed `<name>.restored-<id>`.
 */
@Injectable()
export class RestoredAccountsService extends RestoredAccounts {
  private readonly logger = new Logger('Restore');

  constructor(
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
    private readonly tokens: TokenService,
    private readonly audit: AuditLog,
  ) {
    super();
  }

  async prepare(options: AccountRestoreOptions): Promise<() => Promise<AccountSettlement>> {
    const before = await this.users.all();
    const keys = new Map<string, StoredKeys>();
    if (options.keepCredentials) {
      for (const user of before) keys.set(user.id, await this.apiKeys.storedKeysOf(user.id));
    }
    return () => this.settle(options, before, keys);
  }

  private async settle(
    options: AccountRestoreOptions,
    before: User[],
    keysBefore: Map<string, StoredKeys>,
  ): Promise<AccountSettlement> {
    const settlement: AccountSettlement = { keptCredentials: 0, renamed: [] };
    const restoring = before.find((user) => user.id === options.restoringUserId);
    if (restoring) settlement.adopted = await this.letRestoringAdminIn(restoring, options);
    if (options.keepCredentials) {
      for (const user of before) {
        if (await this.keepCredentials(user, keysBefore.get(user.id) ?? [], options)) {
          settlement.keptCredentials++;
        }
      }
    }
    const preferred = new Set(before.map((user) => user.id));
    if (settlement.adopted) preferred.add(settlement.adopted.userId);
    settlement.renamed = await this.makeNamesUnique(preferred, settlement.adopted?.userId);
    this.audit.record('admin.restore-accounts', {
      by: options.restoringUserId,
      adopted: settlement.adopted?.userId,
      keptCredentials: settlement.keptCredentials,
      renamed: settlement.renamed.length,
    });
    for (const { userId, from, to } of settlement.renamed) {
      this.logger.warn(`Restore: account ${userId} came back as "${to}": "${from}" is taken`);
    }
    return settlement;
  }

  /**
   * A replace restore emptied the store: when the archive holds another account of the restoring
   * admin's name (disaster recovery onto a new machine started with the same ADMIN_USERNAME),
   * that account takes the admin's current password (and their name), so logging in reaches it
   * and its memories. Otherwise the admin's account is put back as it is now.
   */
  private async letRestoringAdminIn(
    admin: User,
    options: AccountRestoreOptions,
  ): Promise<AccountSettlement['adopted']> {
    const twin =
      options.mode === 'replace' ? await this.archivedAccountNamed(admin.username) : undefined;
    if (!twin || twin.id === admin.id) {
      await this.users.save(admin);
      await this.users.assignName(admin.username, admin.id);
      return undefined;
    }
    await this.users.save({
      ...twin,
      passwordHash: admin.passwordHash,
      role: 'admin',
      disabled: false,
      updatedAt: new Date().toISOString(),
    });
    await this.users.assignName(twin.username, twin.id);
    // The archive's login sessions of that account ended with its old password.
    await this.tokens.revokeAllFor(twin.id);
    this.logger.warn(
      `Restore: "${admin.username}" now logs in to the archive's account ${twin.id} (with the current password)`,
    );
    return { username: twin.username, userId: twin.id };
  }

  /**
   * The account that was `user` before the restore, as the archive brought it back (same id, or
   * in a replace restore the same name), takes `user`'s password, disabled flag and API keys.
   */
  private async keepCredentials(
    user: User,
    keys: StoredKeys,
    options: AccountRestoreOptions,
  ): Promise<boolean> {
    const target =
      (await this.users.findById(user.id)) ??
      (options.mode === 'replace' ? await this.archivedAccountNamed(user.username) : undefined);
    if (!target) return false;
    await this.users.save({
      ...target,
      passwordHash: user.passwordHash,
      disabled: target.id === options.restoringUserId ? false : user.disabled,
      updatedAt: new Date().toISOString(),
    });
    await this.apiKeys.replaceKeysOf(target.id, keys);
    // A replace restore's login sessions are the archive's: they end with its passwords (but
    // not the restoring admin's own, which may be older than the archive).
    if (options.mode === 'replace' && target.id !== options.restoringUserId) {
      await this.tokens.revokeAllFor(target.id);
    }
    return true;
  }

  private async archivedAccountNamed(username: string): Promise<User | undefined> {
    const named = await this.users.findByUsername(username);
    if (named && named.username.toLowerCase() === username.toLowerCase()) return named;
    const name = username.toLowerCase();
    return (await this.users.all()).find((user) => user.username.toLowerCase() === name);
  }

  private async makeNamesUnique(
    preferred: Set<string>,
    adopted: string | undefined,
  ): Promise<AccountSettlement['renamed']> {
    const claims = new Map((await this.users.claims()).map((c) => [c.name, c.userId]));
    const byName = new Map<string, User[]>();
    for (const user of await this.users.all()) {
      const name = user.username.toLowerCase();
      byName.set(name, [...(byName.get(name) ?? []), user]);
    }
    const renamed: AccountSettlement['renamed'] = [];
    for (const [name, holders] of byName) {
      const claimed = claims.get(name);
      const rank = (user: User) =>
        user.id === adopted ? 0 : preferred.has(user.id) ? 1 : user.id === claimed ? 2 : 3;
      const [keeper, ...others] = [...holders].sort(
        (a, b) => rank(a) - rank(b) || a.createdAt.localeCompare(b.createdAt),
      );
      if (claimed !== keeper!.id) await this.users.assignName(name, keeper!.id);
      for (const other of others) {
        const to = await this.users.renameAside(other);
        renamed.push({ userId: other.id, from: other.username, to });
      }
    }
    // Claims the archive brought back for accounts it does not hold lead nowhere: free them.
    for (const name of claims.keys()) {
      if (!byName.has(name)) await this.users.releaseName(name);
    }
    return renamed;
  }
}
