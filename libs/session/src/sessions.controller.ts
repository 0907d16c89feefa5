import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  assertScope,
  type Caller,
  CurrentCaller,
  FeatureUnavailable,
  RequireScopes,
} from '@memory-system/core';
import { ExtractionService, UuidOr404 } from '@memory-system/memory';
import {
  AppendContextDto,
  CreateSessionDto,
  ListSessionsQuery,
  SessionContextQuery,
  SessionContextView,
  SessionListView,
  SessionView,
} from './dto/session.dto.js';
import { type Session, sessionFor, type SessionPage } from './session.js';
import { SessionContextService } from './session-context.service.js';
import { sessionNotFound, SessionsService } from './sessions.service.js';

const SessionId = () => Param('id', new UuidOr404(sessionNotFound));

@ApiTags('sessions')
@ApiBearerAuth()
@RequireScopes('sessions')
@Controller({ path: 'sessions', version: '1' })
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly contexts: SessionContextService,
    private readonly extraction: ExtractionService,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: SessionView })
  create(@CurrentCaller() caller: Caller, @Body() body: CreateSessionDto): Promise<Session> {
    // Extraction writes memories: a session that extracts needs a caller who may.
    if (body.extract) {
      assertScope(caller, 'memories:write');
      if (!this.extraction.available) {
        throw new FeatureUnavailable(
          'A session that extracts needs a language model: set VLLM_URL (or VLLM_CHAT_URL).',
        );
      }
    }
    return this.sessions.create(caller, body);
  }

  @Get()
  @ApiOperation({
    summary:
      "The caller's live sessions, most recently used first, a page at a time (without context)",
  })
  @ApiOkResponse({ type: SessionListView })
  list(@CurrentCaller() caller: Caller, @Query() query: ListSessionsQuery): Promise<SessionPage> {
    return this.sessions.list(caller, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: SessionView })
  @ApiOperation({
    summary:
      'The session and its context; memory items show their text only to callers with memories:read',
  })
  async get(@CurrentCaller() caller: Caller, @SessionId() id: string): Promise<Session> {
    return sessionFor(caller, await this.sessions.get(caller, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@CurrentCaller() caller: Caller, @SessionId() id: string): Promise<void> {
    await this.sessions.remove(caller, id);
  }

  @Post(':id/context')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Append items to the context window (it keeps the newest SESSION_MAX_CONTEXT_ITEMS)',
  })
  @ApiOkResponse({ type: SessionView })
  async append(
    @CurrentCaller() caller: Caller,
    @SessionId() id: string,
    @Body() body: AppendContextDto,
  ): Promise<Session> {
    const session = await this.sessions.get(caller, id);
    if (session.extract) assertScope(caller, 'memories:write');
    const updated = await this.sessions.appendContext(caller, id, body.items);
    const messages = body.items.flatMap((item) =>
      item.role === 'tool' ? [] : [{ role: item.role, content: item.content }],
    );
    if (session.extract && messages.length) {
      this.extraction.extractLater(caller, { messages, sessionId: id });
    }
    return sessionFor(caller, updated);
  }

  // It answers memories too: a key needs to read them as well.
  @RequireScopes('sessions', 'memories:read')
  @Get(':id/context')
  @ApiOperation({
    summary: "The session's context with the memories most relevant to a query (or stored in it)",
  })
  @ApiOkResponse({ type: SessionContextView })
  async context(
    @CurrentCaller() caller: Caller,
    @SessionId() id: string,
    @Query() query: SessionContextQuery,
  ): Promise<SessionContextView> {
    return this.contexts.of(caller, id, query);
  }
}
