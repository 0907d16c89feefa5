import type { LoggerService } from '@nestjs/common';
import { ConsoleLogger } from '@nestjs/common';
import { hostname } from 'node:os';
import { pino } from 'pino';

/**
 * Whether logs are JSON, decided from the environment alone (the configuration may be what
 * failed): LOG_FORMAT, else JSON everywhere but development, as the configuration decides.
 */
export function jsonLogs(env: NodeJS.ProcessEnv = process.env): boolean {
  const format =
    env.LOG_FORMAT ?? ((env.NODE_ENV ?? 'development') === 'development' ? 'pretty' : 'json');
  return format !== 'pretty';
}

/**
 * Nest's logger until the app's own (pino) takes over, and for a start that fails before it
 * does: a configuration error is then a JSON line like every other under LOG_FORMAT=json, not
 * coloured text.
 */
export function startupLogger(env: NodeJS.ProcessEnv = process.env): LoggerService {
  if (!jsonLogs(env)) return new ConsoleLogger();
  const log = pino({ level: 'info' });
  const context = (params: unknown[]) => {
    const last = params.at(-1);
    return typeof last === 'string' ? { context: last } : {};
  };
  const text = (message: unknown) =>
    message instanceof Error ? (message.stack ?? message.message) : String(message);
  return {
    log: (message: unknown, ...params: unknown[]) => log.info(context(params), text(message)),
    warn: (message: unknown, ...params: unknown[]) => log.warn(context(params), text(message)),
    debug: (message: unknown, ...params: unknown[]) => log.debug(context(params), text(message)),
    verbose: (message: unknown, ...params: unknown[]) => log.trace(context(params), text(message)),
    fatal: (message: unknown, ...params: unknown[]) => log.fatal(context(params), text(message)),
    error: (message: unknown, ...params: unknown[]) => {
      // Nest passes (message, stack, context) or (message, context).
      const stack = params.length >= 2 && typeof params[0] === 'string' ? params[0] : undefined;
      log.error({ ...context(params), ...(stack ? { stack } : {}) }, text(message));
    },
  };
}

/** The last line of a start that failed, in the same format as every other line. */
export function logStartFailure(message: string, env: NodeJS.ProcessEnv = process.env): void {
  if (jsonLogs(env)) {
    // stdout, as pino's lines: one stream keeps their order (pipes are synchronous on Linux).
    process.stdout.write(
      `${JSON.stringify({ level: 60, time: Date.now(), pid: process.pid, hostname: hostname(), msg: `memory-system failed to start: ${message}` })}\n`,
    );
  } else {
    console.error(`memory-system failed to start: ${message}`);
  }
}
