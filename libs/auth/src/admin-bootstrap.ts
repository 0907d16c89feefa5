import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, StartupWork } from '@memory-system/core';
import { UsersService } from './users/users.service.js';

/**
 * On first start there is no user: create the admin from ADMIN_USERNAME / ADMIN_PASSWORD. Outside
 * production, with no password given, make a random one and print it once; production refuses to
 * start without one (see the config). An existing admin is never changed. A state store that does
 * not answer yet (Redis starting after the service) is waited for, not a reason to exit.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly users: UsersService,
    private readonly config: AppConfig,
    private readonly startup: StartupWork,
  ) {}

  /** Tried once before the app listens; while the store does not answer, again in the background. */
  async onApplicationBootstrap(): Promise<void> {
    const { url } = this.config.redis;
    const store = url ? `Redis at ${new URL(url).host}` : 'the state store';
    await this.startup.run('create the admin user', store, () => this.ensureAdmin());
  }

  private async ensureAdmin(): Promise<void> {
    const { adminUsername, adminPassword } = this.config.auth;
    if (await this.users.findByUsername(adminUsername)) return;
    const password = adminPassword ?? randomBytes(18).toString('base64url');
    await this.users.create(adminUsername, password, 'admin').catch((error: Error) => {
      // Another replica created it at the same moment.
      if (!/taken/.test(error.message)) throw error;
    });
    if (adminPassword) {
      this.logger.log(`Created the admin user "${adminUsername}" from ADMIN_PASSWORD`);
    } else {
      // Printed once, on purpose: the operator has no other way to learn it.
      this.logger.warn(
        `Created the admin user "${adminUsername}" with the generated password: ${password} ` +
          '(shown only now; change it, or set ADMIN_PASSWORD before the first start)',
      );
    }
  }
}
