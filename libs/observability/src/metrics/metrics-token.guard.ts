import { timingSafeEqual, createHash } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { AppConfig, Unauthenticated } from '@memory-system/core';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** With METRICS_TOKEN set, /metrics needs `Authorization: Bearer <token>`; without it, it is open. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const token = this.config.metrics.token;
    if (!token) return true;
    const header = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined> }>().headers.authorization;
    const given = header?.replace(/^Bearer\s+/i, '') ?? '';
    if (timingSafeEqual(digest(given), digest(token))) return true;
    throw new Unauthenticated('/metrics needs the METRICS_TOKEN as a bearer token.');
  }
}
