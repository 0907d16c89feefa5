import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ThrottlerModule } from '@nestjs/throttler';
import {
  AuthenticationGuard,
  AuthModule,
  CallerThrottlerGuard,
  throttlerOptions,
} from '@memory-system/auth';
import {
  AppCacheModule,
  AppConfig,
  CoreConfigModule,
  LoggingModule,
  ProblemDetailsFilter,
} from '@memory-system/core';
import { BackupModule } from '@memory-system/backup';
import { ChatProxyModule } from '@memory-system/chat-proxy';
import { McpModule } from '@memory-system/mcp';
import { MemoryModule, MemoryUpkeepModule } from '@memory-system/memory';
import { HealthModule, MetricsModule } from '@memory-system/observability';
import { SessionModule } from '@memory-system/session';
import { StateModule, StateStore } from '@memory-system/state';
import { ShutdownLog } from './shutdown-log.js';

/** Wiring only. `env` overrides the process environment (tests start differently configured apps). */
@Module({})
export class AppModule {
  static forRoot(env: Record<string, string | undefined> = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreConfigModule.forRoot(env, { claimDataDir: true }),
        LoggingModule,
        AppCacheModule,
        MetricsModule,
        ScheduleModule.forRoot(),
        ThrottlerModule.forRootAsync({
          imports: [StateModule],
          inject: [AppConfig, StateStore],
          useFactory: throttlerOptions,
        }),
        AuthModule,
        MemoryModule,
        MemoryUpkeepModule,
        SessionModule,
        McpModule,
        ChatProxyModule,
        BackupModule,
        HealthModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        // Order matters: the caller is known before requests are counted against them.
        { provide: APP_GUARD, useExisting: AuthenticationGuard },
        { provide: APP_GUARD, useClass: CallerThrottlerGuard },
        ShutdownLog,
      ],
    };
  }
}
