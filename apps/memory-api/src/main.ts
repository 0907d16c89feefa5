import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import {
  AppConfig,
  ConfigurationError,
  DataFolderInUse,
  logStartFailure,
  startupLogger,
} from '@memory-system/core';
import { AppModule } from './app.module.js';
import { configureApp, createHttpAdapter } from './app.setup.js';

async function bootstrap(): Promise<void> {
  // Everything the service writes (state, keyword index, keys, archives, exports) holds user data:
  // readable by its own user only.
  process.umask(0o077);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(),
    createHttpAdapter(),
    // Bodies are parsed by the app's own parsers (per-route limits, depth checked first). A
    // failed start reaches the handler below (not Nest's abort), its lines in the log format.
    {
      bufferLogs: true,
      bodyParser: false,
      abortOnError: false,
      logger: startupLogger(),
    },
  );
  configureApp(app);
  const { http } = app.get(AppConfig);
  await app.listen(http.port, http.host);
  const docs = http.swagger ? ' (API docs at /docs)' : '';
  app.get(Logger).log(`memory-system listening on http://${http.host}:${http.port}${docs}`);
}

bootstrap().catch((error: unknown) => {
  const message =
    error instanceof ConfigurationError || error instanceof DataFolderInUse
      ? error.message
      : ((error as Error)?.stack ?? String(error));
  logStartFailure(message);
  process.exit(1);
});
