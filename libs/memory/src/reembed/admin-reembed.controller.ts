import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScopes, Roles } from '@memory-system/core';
import { ReembedService, type ReembedStatus } from './reembed.service.js';

@ApiTags('admin: re-embedding')
@ApiBearerAuth()
@Roles('admin')
@RequireScopes('admin')
@Controller({ path: 'admin/reembed', version: '1' })
export class AdminReembedController {
  constructor(private readonly reembed: ReembedService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary:
      "Move every user's memories to the configured embedding model and dimension, in the " +
      'background; searches answer from the old space until each user is done',
  })
  @ApiAcceptedResponse({ description: 'Started; GET this path for progress' })
  @ApiConflictResponse({ description: 'A re-embedding is already running' })
  start(): Promise<ReembedStatus> {
    return this.reembed.start();
  }

  @Get()
  @ApiOperation({ summary: 'Progress of the current or last re-embedding' })
  @ApiOkResponse({
    description:
      'state idle|running|done|failed; users (accounts), subjects and memories, each done of ' +
      'total; erased: users and subjects deleted while it ran (skipped, nothing of theirs kept)',
  })
  status(): Promise<ReembedStatus> {
    return this.reembed.status();
  }
}
