import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { AppConfig } from '@memory-system/core';
import { BackupService } from './backup.service.js';

export const BACKUP_JOB = 'nightly-backup';

/** With BACKUP_ENABLED, runs the same backup as the API on BACKUP_CRON in BACKUP_TZ. */
@Injectable()
export class BackupScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(BackupScheduler.name);

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly backups: BackupService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { enabled, cron, timeZone } = this.config.backup;
    if (!enabled) return;
    const job = CronJob.from({
      cronTime: cron,
      timeZone,
      onTick: () => {
        // Another replica holding the lock is expected with several replicas: only one backs up.
        this.backups.backup('schedule').catch(() => undefined);
      },
    });
    this.registry.addCronJob(BACKUP_JOB, job);
    job.start();
    this.logger.log(
      `Backups scheduled: "${cron}" (${timeZone}), next at ${job.nextDate().toISO()}`,
    );
  }

  describe(): { enabled: boolean; cron: string; timeZone: string; nextRunAt: string | null } {
    const { enabled, cron, timeZone } = this.config.backup;
    const job =
      enabled && this.registry.doesExist('cron', BACKUP_JOB)
        ? this.registry.getCronJob(BACKUP_JOB)
        : undefined;
    return { enabled, cron, timeZone, nextRunAt: job ? job.nextDate().toUTC().toISO() : null };
  }
}
