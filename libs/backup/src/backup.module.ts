import { Module } from '@nestjs/common';
import { RetrievalModule } from '@memory-system/retrieval';
import { StateModule } from '@memory-system/state';
import { VectorModule } from '@memory-system/vector';
import { AdminBackupsController } from './admin-backups.controller.js';
import { BackupLock } from './backup-lock.js';
import { BackupScheduler } from './backup.scheduler.js';
import { BackupService } from './backup.service.js';
import { BackupSigner } from './backup-signer.js';

@Module({
  imports: [VectorModule, StateModule, RetrievalModule],
  controllers: [AdminBackupsController],
  providers: [BackupService, BackupLock, BackupScheduler, BackupSigner],
  exports: [BackupService],
})
export class BackupModule {}

/** The same service without HTTP or schedule, for the CLI. */
@Module({
  imports: [VectorModule, StateModule, RetrievalModule],
  providers: [BackupService, BackupLock, BackupSigner],
  exports: [BackupService],
})
export class BackupCoreModule {}
