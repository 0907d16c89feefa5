import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config.js';
import { loadConfig } from './load-config.js';
import { Metrics } from '../metrics/metrics.js';
import { UserDataErasure } from '../user-data-erasure.js';

/**
 * Validates the environment once, at start-up, and provides the typed `AppConfig` everywhere.
 * `overrides` let tests start several differently configured apps in one process.
 */
@Global()
@Module({})
export class CoreConfigModule {
  static forRoot(overrides: Record<string, string | undefined> = {}): DynamicModule {
    const config = loadConfig({ ...process.env, ...overrides });
    return {
      module: CoreConfigModule,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ app: config })] })],
      providers: [{ provide: AppConfig, useValue: config }, UserDataErasure, Metrics],
      exports: [AppConfig, ConfigModule, UserDataErasure, Metrics],
    };
  }
}
