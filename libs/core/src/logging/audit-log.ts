import { Injectable, Logger } from '@nestjs/common';

/**
 * Security-relevant events (failed logins, lockouts, key changes, admin actions) as log lines
 * with `audit: <event>`, so they can be filtered and kept apart. Written during a request, a line
 * carries that request's id (the request logger's context). Never secrets or memory contents.
 */
@Injectable()
export class AuditLog {
  private readonly logger = new Logger('Audit');

  record(event: string, details: Record<string, string | number | boolean | undefined>): void {
    this.logger.log({ audit: event, ...details }, `audit ${event}`);
  }
}
