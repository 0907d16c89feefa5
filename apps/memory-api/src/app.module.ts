import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import {
  CoreConfigModule,
  LocalCallerGuard,
  LoggingModule,
  ProblemDetailsFilter,
} from '@memory-system/core';
import { MemoryModule } from '@memory-system/memory';
import { HealthModule } from '@memory-system/observability';

/** Wiring only. `env` overrides the process environment (tests start differently configured apps). */
@Module({})
export class AppModule {
  static forRoot(env: Record<string, string | undefined> = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreConfigModule.forRoot(env), LoggingModule, MemoryModule, HealthModule],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_GUARD, useClass: LocalCallerGuard },
      ],
    };
  }
}
