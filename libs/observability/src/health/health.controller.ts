import { Controller, Get, Res, ServiceUnavailableException, VERSION_NEUTRAL } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '@memory-system/core';
import { BackendHealthIndicators } from './backend-health.indicators.js';

/**
 * `/health/live`: the process answers (restart it if not). `/health`: the backends it needs
 * answer too (route traffic to it only if so). Terminus' own body is kept for both.
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
  @ApiOperation({ summary: 'Readiness: ChromaDB heartbeat and, when remote, the embedding server' })
  @ApiOkResponse({ description: 'Every backend answers' })
  @ApiServiceUnavailableResponse({ description: 'A backend does not answer; the body says which' })
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.backends.chroma(),
        () => this.backends.embedder(),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503).setHeader('Retry-After', '5');
      return error.getResponse() as HealthCheckResult;
    }
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up (no backend is contacted)' })
  @ApiOkResponse({ description: 'Alive' })
  live(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }
}
