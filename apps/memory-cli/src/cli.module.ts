import { type DynamicModule, Module } from '@nestjs/common';
import { BackupCoreModule } from '@memory-system/backup';
import { AppCacheModule, CoreConfigModule } from '@memory-system/core';

/** What the admin commands need: configuration, the stores and the backup service; no HTTP. */
@Module({})
export class CliModule {
  static forRoot(): DynamicModule {
    return {
      module: CliModule,
      imports: [CoreConfigModule.forRoot(), AppCacheModule, BackupCoreModule],
    };
  }
}
