import { type DynamicModule, Module } from '@nestjs/common';
import { BackupCoreModule } from '@memory-system/backup';
import { AppCacheModule, CoreConfigModule } from '@memory-system/core';
import { ReembedCoreModule } from '@memory-system/memory';

/** What the admin commands need: configuration, the stores, backups and re-embedding; no HTTP. */
@Module({})
export class CliModule {
  static forRoot(): DynamicModule {
    return {
      module: CliModule,
      imports: [CoreConfigModule.forRoot(), AppCacheModule, BackupCoreModule, ReembedCoreModule],
    };
  }
}
