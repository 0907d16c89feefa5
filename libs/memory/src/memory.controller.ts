import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Caller, CurrentCaller, InvalidRequest, RequireScopes } from '@memory-system/core';
import type { Memory, MemoryPage, SearchOutcome } from './domain/memory.js';
import { BatchCreateMemoriesDto } from './dto/batch-create-memories.dto.js';
import {
  CreateMemoryRequestDto,
  InsightsRequestDto,
  InsightView,
  MemoryWithInsightView,
} from './dto/insights.dto.js';
import { InsightsService } from './insights/insights.service.js';
import { ListMemoriesQuery } from './dto/list-memories.query.js';
import {
  BatchResultView,
  MemoryPageView,
  MemoryView,
  SearchResultsView,
  MemoryHistoryView,
} from './dto/memory.views.js';
import { SearchMemoriesDto } from './dto/search-memories.dto.js';
import { UpdateMemoryDto } from './dto/update-memory.dto.js';
import { MemoryIdPipe } from './memory-id.pipe.js';
import { MemoryService } from './memory.service.js';

@ApiTags('memories')
@Controller({ path: 'memories', version: '1' })
export class MemoryController {
  constructor(
    private readonly memories: MemoryService,
    private readonly insights: InsightsService,
  ) {}

  @RequireScopes('memories:write')
  @Post()
  @ApiOperation({
    summary: 'Store a memory (the same content and type again returns the stored one, 200)',
  })
  @ApiCreatedResponse({ type: MemoryWithInsightView, description: 'Stored' })
  @ApiOkResponse({
    type: MemoryWithInsightView,
    description: 'Already stored: the existing memory',
  })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() { withInsights, ...body }: CreateMemoryRequestDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<MemoryWithInsightView> {
    const { memory, created } = await this.memories.create(caller, body);
    res.status(created ? 201 : 200);
    if (!withInsights) return memory;
    return { ...memory, insight: await this.insights.forNewMemory(caller, memory) };
  }

  @RequireScopes('memories:read')
  @Post('insights')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ask the LLM for insights over the memories closest to a query, or named ones',
  })
  @ApiOkResponse({ type: InsightView })
  async insight(
    @CurrentCaller() caller: Caller,
    @Body() body: InsightsRequestDto,
  ): Promise<InsightView> {
    if ((body.query === undefined) === (body.memoryIds === undefined)) {
      throw new InvalidRequest('Give either query or memoryIds, not both and not neither.', [
        { field: 'query', messages: ['give either query or memoryIds'] },
      ]);
    }
    return this.insights.generate(caller, body);
  }

  @RequireScopes('memories:write')
  @Post('batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Store up to 500 memories in one request' })
  @ApiOkResponse({ type: BatchResultView })
  async createBatch(
    @CurrentCaller() caller: Caller,
    @Body() body: BatchCreateMemoriesDto,
  ): Promise<BatchResultView> {
    const outcomes = await this.memories.createMany(caller, body.items);
    const results = outcomes.map((o, index) => ({
      index,
      status: o.created ? 201 : 200,
      memory: o.memory,
    }));
    const created = results.filter((r) => r.status === 201).length;
    return { created, existing: results.length - created, results };
  }

  @RequireScopes('memories:read')
  @Post('search')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Find the memories that best answer a query, best first: hybrid (BM25 + vector) by default, ' +
      'or vector or keyword only; reranked when a reranker is configured',
  })
  @ApiOkResponse({ type: SearchResultsView })
  async search(
    @CurrentCaller() caller: Caller,
    @Body() body: SearchMemoriesDto,
  ): Promise<SearchOutcome> {
    return this.memories.searchWithReport(caller, body);
  }

  @RequireScopes('memories:read')
  @Get()
  @ApiOperation({
    summary:
      'List memories a page at a time, in id order: the cursor is the last id, so deletes and ' +
      'adds between pages neither skip nor repeat one',
  })
  @ApiOkResponse({ type: MemoryPageView })
  list(@CurrentCaller() caller: Caller, @Query() query: ListMemoriesQuery): Promise<MemoryPage> {
    return this.memories.list(caller, query);
  }

  @RequireScopes('memories:read')
  @Get(':id')
  @ApiOkResponse({ type: MemoryView })
  get(@CurrentCaller() caller: Caller, @Param('id', MemoryIdPipe) id: string): Promise<Memory> {
    return this.memories.get(caller, id);
  }

  @RequireScopes('memories:read')
  @Get(':id/history')
  @ApiOperation({
    summary: 'Earlier versions of a memory (each change and delete keeps the state it replaced)',
  })
  @ApiOkResponse({ type: MemoryHistoryView })
  async history(
    @CurrentCaller() caller: Caller,
    @Param('id', MemoryIdPipe) id: string,
  ): Promise<MemoryHistoryView> {
    return { items: await this.memories.versions(caller, id) };
  }

  @RequireScopes('memories:write')
  @Post(':id/history/:version/restore')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Make an earlier version current again (a deleted memory comes back with its id)',
  })
  @ApiOkResponse({ type: MemoryView })
  restoreVersion(
    @CurrentCaller() caller: Caller,
    @Param('id', MemoryIdPipe) id: string,
    @Param('version', new ParseIntPipe({ errorHttpStatusCode: 404 })) version: number,
  ): Promise<Memory> {
    return this.memories.restoreVersion(caller, id, version);
  }

  @RequireScopes('memories:write')
  @Patch(':id')
  @ApiOperation({ summary: 'Change a memory; a new content is embedded again' })
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
  @ApiNoContentResponse()
  async remove(
    @CurrentCaller() caller: Caller,
    @Param('id', MemoryIdPipe) id: string,
  ): Promise<void> {
    await this.memories.remove(caller, id);
  }
}
