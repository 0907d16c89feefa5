import { Controller, Get, Res, ServiceUnavailableException, VERSION_NEUTRAL } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { Public } from '@memory-system/core';
import { BackendHealthIndicators } from './backend-health.indicators.js';

/**
 * Three answers for three questions (Terminus' own body for each):
 * - `/health/live`: does the process answer? The Swarm HEALTHCHECK: restart the container if not.
 * - `/health/ready`: can it serve? ChromaDB and the state store answer. A vLLM outage is not part
 *   of it: memories can still be listed, read and deleted, and embedding calls answer 503 alone.
 * - `/health`: is everything up, vLLM included? For dashboards and alerts, not for restarts: a
 *   vLLM outage must never make Swarm restart healthy memory containers in a loop.
 */
@ApiTags('health')
@Public()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly backends: BackendHealthIndicators,
  ) {}

  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    summary:
      'Every backend: ChromaDB, the state store, and the embedding, chat and rerank servers when ' +
      'remote (a failing one is named with a reason, never its internal error), and memories ' +
      'waiting to be re-embedded',
  })
  @ApiOkResponse({ description: 'Every backend answers' })
  @ApiServiceUnavailableResponse({ description: 'A backend does not answer; the body says which' })
  check(@Res({ passthrough: true }) res: FastifyReply): Promise<HealthCheckResult> {
    return this.run(res, [
      () => this.backends.chroma(),
      () => this.backends.stateStore(),
      () => this.backends.embedder(),
      () => this.backends.chat(),
      () => this.backends.rerank(),
      () => this.backends.embeddingSpaces(),
    ]);
  }

  @Get('ready')
  // An orchestrator's probe: no limit counted in the state store, which may be what is down.
  @SkipThrottle()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    summary:
      'Readiness: what every request needs (ChromaDB, the state store), start-up work done ' +
      '(waiting for a late backend), and each configured model server serving the kind of model ' +
      'it is used for (one that is down does not count)',
  })
  @ApiOkResponse({ description: 'Ready to serve' })
  @ApiServiceUnavailableResponse({ description: 'ChromaDB or the state store does not answer' })
  ready(@Res({ passthrough: true }) res: FastifyReply): Promise<HealthCheckResult> {
    return this.run(res, [
      () => this.backends.startup(),
      () => this.backends.chroma(),
      () => this.backends.stateStore(),
      () => this.backends.modelRoles(),
    ]);
  }

  @Get('live')
  // Probes come often and touch no backend; a throttled (or Redis-less) limit must not fail them.
  @SkipThrottle()
  @ApiOperation({ summary: 'Liveness: the process is up (no backend is contacted)' })
  @ApiOkResponse({ description: 'Alive' })
  live(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  private async run(
    res: FastifyReply,
    checks: HealthIndicatorFunction[],
  ): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503).header('Retry-After', '5');
      return error.getResponse() as HealthCheckResult;
    }
  }
}
