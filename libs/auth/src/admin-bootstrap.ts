import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@memory-system/core';
import { UsersService } from './users/users.service.js';

/**
 * On first start there is no user: create the admin from ADMIN_USERNAME / ADMIN_PASSWORD. Outside
 * production, with no password given, make a random one and print it once; production refuses to
 * start without one (see the config). An existing admin is never changed.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
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
