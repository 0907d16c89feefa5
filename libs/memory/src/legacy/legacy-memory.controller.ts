import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Res,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Caller, CurrentCaller, RequireScopes } from '@memory-system/core';
import type { Memory, ScoredMemory } from '../domain/memory.js';
import { MemoryView, ScoredMemoryView } from '../dto/memory.views.js';
import { UpdateMemoryDto } from '../dto/update-memory.dto.js';
import { MemoryIdPipe } from '../memory-id.pipe.js';
import { MemoryService } from '../memory.service.js';
import { LegacyCreateMemoryDto, LegacySearchQuery } from './legacy-memory.dto.js';

/**
 * The routes of the seed document, kept for its existing web clients: `/api/memories` without a
 * version. They share the service, validation and errors of `/api/v1/memories`.
 */
@ApiTags('memories (seed routes)')
@Controller({ path: 'memories', version: VERSION_NEUTRAL })
export class LegacyMemoryController {
  constructor(private readonly memories: MemoryService) {}

  @RequireScopes('memories:write')
  @Post()
  @ApiOperation({
    summary: 'Seed route: store a memory; answers the memory itself',
    deprecated: true,
  })
  @ApiOkResponse({ type: MemoryView })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() { userId: _ignored, ...body }: LegacyCreateMemoryDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<Memory> {
    const { memory, created } = await this.memories.create(caller, body);
    res.status(created ? 201 : 200);
    return memory;
  }

  @RequireScopes('memories:read')
  @Get()
  @ApiOperation({
    summary: 'Seed route: search; answers an array, nearest first',
    deprecated: true,
  })
  @ApiOkResponse({ type: [ScoredMemoryView] })
  search(
    @CurrentCaller() caller: Caller,
    @Query() query: LegacySearchQuery,
  ): Promise<ScoredMemory[]> {
    return this.memories.search(caller, { query: query.query, limit: query.limit });
  }

  @RequireScopes('memories:write')
  @Put(':id')
  @ApiOperation({ summary: 'Seed route: change a memory', deprecated: true })
  @ApiOkResponse({ type: MemoryView })
  update(
    @CurrentCaller() caller: Caller,
    @Param('id', MemoryIdPipe) id: string,
    @Body() body: UpdateMemoryDto,
  ): Promise<Memory> {
    return this.memories.update(caller, id, body);
  }

  @RequireScopes('memories:write')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Seed route: forget a memory', deprecated: true })
  async remove(
    @CurrentCaller() caller: Caller,
    @Param('id', MemoryIdPipe) id: string,
  ): Promise<void> {
    await this.memories.remove(caller, id);
  }
}
