import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/**
 * The CLI's own logger: every line on stderr, so that stdout carries only a command's answer
 * (a backup's name, an export) for scripts to read.
 */
export class StderrLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack, params);
  }
}
