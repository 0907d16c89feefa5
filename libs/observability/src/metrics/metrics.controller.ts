import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';
import { Public } from '@memory-system/core';
import { MetricsTokenGuard } from './metrics-token.guard.js';

/** Prometheus' scrape endpoint: no user login, optionally a METRICS_TOKEN. */
@ApiExcludeController()
@Public()
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  @UseGuards(MetricsTokenGuard)
  override index(@Res({ passthrough: true }) response: FastifyReply) {
    return super.index(response);
  }
}
