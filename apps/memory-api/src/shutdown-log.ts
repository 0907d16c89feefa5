import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationShutdown,
} from '@nestjs/common';

/**
 * Says when the service was asked to stop and how long it took to drain: Nest's shutdown hooks
 * (app.enableShutdownHooks) close the HTTP server between these two, which waits for requests in
 * flight, then stop the modules (Chroma, the state store).
 */
@Injectable()
export class ShutdownLog implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private startedAt = 0;

  beforeApplicationShutdown(signal?: string): void {
    this.startedAt = Date.now();
    this.logger.log(
      `Stopping${signal ? ` on ${signal}` : ''}: no new requests, finishing those in flight`,
    );
  }

  onApplicationShutdown(): void {
    this.logger.log(`Stopped after draining for ${Date.now() - this.startedAt} ms`);
  }
}
