import {
  Controller,
  Delete,
  Get,
  Patch,
  Post,
  Put,
  Req,
  Res,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  APP_VERSION,
  AppConfig,
  type Caller,
  CurrentCaller,
  MethodNotAllowed,
} from '@memory-system/core';
import { ChatModel } from '@memory-system/inference';
import { ContextBuilder, ExtractionService, MemoryService } from '@memory-system/memory';
import { SessionContextService } from '@memory-system/session';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { extractionTool, type MemoryTool, memoryTools } from './memory-tools.js';
import { McpToolRunner } from './mcp-tool-runner.js';
import { checkHostAndOrigin, refuseBatch } from './mcp-request-checks.js';

const INSTRUCTIONS =
  'Long-term memory for this user. Call recall before answering anything that may depend on what you were told earlier; call remember for facts, preferences and events worth keeping, one self-contained sentence each; use update or forget when something stored is no longer true.';

/**
 * MCP over Streamable HTTP at /mcp, stateless: every POST is answered on its own, so any replica
 * can take any call. The global guard has authenticated the caller exactly as for REST, and each
 * tool runs as that caller.
 */
@ApiTags('mcp')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller({ path: 'mcp', version: VERSION_NEUTRAL })
export class McpController {
  private readonly tools: MemoryTool[];

  constructor(
    memories: MemoryService,
    contexts: SessionContextService,
    builder: ContextBuilder,
    extraction: ExtractionService,
    chat: ChatModel,
    private readonly runner: McpToolRunner,
    private readonly config: AppConfig,
  ) {
    this.tools = [
      ...memoryTools(memories, contexts, builder),
      ...(chat.available ? [extractionTool(extraction)] : []),
    ];
  }

  @Post()
  @ApiOperation({
    summary:
      'MCP (Streamable HTTP, JSON responses): tools remember, recall, list, get, update, forget, ' +
      'session_context, context, and extract where a language model is configured',
  })
  async handle(
    @CurrentCaller() caller: Caller,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    checkHostAndOrigin(req.headers, this.config.mcp);
    refuseBatch(req.body);
    const server = this.serverFor(caller);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    // The SDK answers on Node's own response: Fastify steps aside, and the headers set so far
    // (CORS, rate limits) go along.
    reply.hijack();
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) reply.raw.setHeader(name, value);
    }
    await transport.handleRequest(req.raw, reply.raw, req.body);
  }

  /** No server-initiated streams in stateless mode: GET has nothing to do. */
  @Get()
  @ApiOperation({ summary: 'Not used: this MCP endpoint is stateless (POST only)' })
  refuseStream(@Req() req: FastifyRequest, @Res() reply: FastifyReply): never {
    return this.refuse(req, reply);
  }

  /** No sessions in stateless mode: DELETE has nothing to end. */
  @Delete()
  @ApiOperation({ summary: 'Not used: this MCP endpoint is stateless (POST only)' })
  refuseSessionEnd(@Req() req: FastifyRequest, @Res() reply: FastifyReply): never {
    return this.refuse(req, reply);
  }

  /** Nothing here takes a whole resource: PUT and PATCH are not MCP. */
  @Put()
  @ApiOperation({ summary: 'Not used: this MCP endpoint is stateless (POST only)' })
  refusePut(@Req() req: FastifyRequest, @Res() reply: FastifyReply): never {
    return this.refuse(req, reply);
  }

  @Patch()
  @ApiOperation({ summary: 'Not used: this MCP endpoint is stateless (POST only)' })
  refusePatch(@Req() req: FastifyRequest, @Res() reply: FastifyReply): never {
    return this.refuse(req, reply);
  }

  /** Fastify takes no catch-all route beside POST on one path: each other method says so. */
  private refuse(req: FastifyRequest, reply: FastifyReply): never {
    reply.header('Allow', 'POST');
    throw new MethodNotAllowed(
      `${req.method} /mcp is not used: this MCP endpoint is stateless; send JSON-RPC with POST.`,
    );
  }

  private serverFor(caller: Caller): McpServer {
    const server = new McpServer(
      { name: 'memory-system', version: APP_VERSION },
      { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
    );
    for (const tool of this.tools) {
      server.registerTool(
        tool.name,
        {
          title: tool.title,
          description: `${tool.description} Needs the scope${tool.scopes.length > 1 ? 's' : ''} ${tool.scopes.join(' and ')}.`,
          // Strict, as REST bodies are: an unknown argument is an error, never silently dropped.
          inputSchema: z.strictObject(tool.input),
          annotations: tool.annotations,
        },
        (args: Record<string, unknown>, extra: { signal: AbortSignal }) =>
          this.runner.call(caller, tool, args, extra.signal),
      );
    }
    return server;
  }
}
