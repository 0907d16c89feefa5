import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@memory-system/auth';
import { BackupCoreModule } from '@memory-system/backup';
import { AppCacheModule, CoreConfigModule } from '@memory-system/core';
import { MemoryModule, ReembedCoreModule } from '@memory-system/memory';
import { SessionModule } from '@memory-system/session';

/**
 * What the admin commands need: configuration, the stores, backups, re-embedding, accounts and
 * memories; no HTTP (the modules' controllers are never mounted).
 */
@Module({})
export class CliModule {
  static forRoot(): DynamicModule {
    return {
      module: CliModule,
      imports: [
        CoreConfigModule.forRoot(),
        AppCacheModule,
        BackupCoreModule,
        ReembedCoreModule,
        AuthModule,
        MemoryModule,
        SessionModule,
      ],
    };
  }
}
