import {
  type DynamicModule,
  Global,
  Logger,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigModule, ConfigService, registerAs } from '@nestjs/config';
import { AppConfig } from './app-config.js';
import { loadConfig } from './load-config.js';
import { DataFolderLock } from '../data-folder-lock.js';
import { AuditLog } from '../logging/audit-log.js';
import { ErrorDialects } from '../errors/error-dialects.js';
import { Metrics } from '../metrics/metrics.js';
import { StartupWork } from '../startup-work.js';
import { UserDataErasure } from '../user-data-erasure.js';
import { RestoreFollowUps } from '../restore-follow-ups.js';

const NAMESPACE = 'app';

/**
 * Configuration through @nestjs/config: it reads the environment (and `.env` in the working
 * folder, whose values the real environment overrides), and its one loader validates everything
 * once, at start-up, into the typed `AppConfig` every module injects. `overrides` let tests start
 * several differently configured apps in one process.
 */
@Global()
@Module({})
export class CoreConfigModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Configuration');

  constructor(private readonly config: AppConfig) {}

  /**
   * With `claimDataDir` (the service, not the CLI), the data folder is claimed for this process
   * as soon as the configuration is read, before any module opens a file in it.
   */
  static forRoot(
    overrides: Record<string, string | undefined> = {},
    { claimDataDir = false }: { claimDataDir?: boolean } = {},
  ): DynamicModule {
    return {
      module: CoreConfigModule,
      imports: [
        ConfigModule.forRoot({
          envFilePath: '.env',
          load: [registerAs(NAMESPACE, () => loadConfig({ ...process.env, ...overrides }))],
        }),
      ],
      providers: [
        {
          provide: AppConfig,
          inject: [ConfigService],
          useFactory: (configService: ConfigService) => {
            const config = configService.getOrThrow<AppConfig>(NAMESPACE);
            if (claimDataDir) DataFolderLock.claim(config.dataDir);
            return config;
          },
        },
        UserDataErasure,
        RestoreFollowUps,
        Metrics,
        AuditLog,
        ErrorDialects,
        StartupWork,
      ],
      exports: [
        AppConfig,
        ConfigModule,
        UserDataErasure,
        RestoreFollowUps,
        Metrics,
        AuditLog,
        ErrorDialects,
        StartupWork,
      ],
    };
  }

  onApplicationBootstrap(): void {
    for (const notice of this.config.notices) this.logger.warn(notice);
  }
}
