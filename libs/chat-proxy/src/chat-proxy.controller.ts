import { Body, Controller, Get, HttpCode, Post, Req, Res, VERSION_NEUTRAL } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { AppConfig, type Caller, CurrentCaller, Metrics, RequireScopes } from '@memory-system/core';
import { ChatModel, type ModelCard, type RelayedAnswer } from '@memory-system/inference';
import { SubjectRegistry } from '@memory-system/memory';
import { answerText } from './answer-text.js';
import { readChatRequest, withMemoryMessage } from './chat-request.js';
import { ExchangeLearner } from './exchange-learner.js';
import { chatSubject, memoryOptions } from './memory-headers.js';
import { MemoryMessageBuilder } from './memory-message.js';
import { upstreamError } from './openai-error.js';

/** The most of an answer kept for learning from it; a longer one is relayed but not learned. */
const LEARN_CAPTURE_BYTES = 256 * 1024;
/** The most of an upstream error answer read. */
const ERROR_BODY_BYTES = 64 * 1024;

/**
 * OpenAI's chat API at /v1, with memory: an OpenAI client pointed at http://host:3000/v1 gets the
 * user's memories added to each chat (one system message), the answer relayed as the model sends
 * it, and the exchange learned in the background. Errors are in OpenAI's shape (see
 * openai-error.ts), so OpenAI SDKs raise their usual exceptions.
 */
@ApiTags('chat proxy (OpenAI-compatible)')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller({ path: 'v1', version: VERSION_NEUTRAL })
export class ChatProxyController {
  constructor(
    private readonly chat: ChatModel,
    private readonly memory: MemoryMessageBuilder,
    private readonly learner: ExchangeLearner,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
    private readonly subjects: SubjectRegistry,
  ) {}

  @Get('models')
  @ApiOperation({ summary: "The chat server's models (OpenAI's model list)" })
  async models(): Promise<{ object: 'list'; data: ModelCard[] }> {
    return { object: 'list', data: await this.chat.models() };
  }

  @RequireScopes('memories:read')
  @Post('chat/completions')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "OpenAI's chat completions, relayed to the chat server with the user's memories added as one " +
      "system message after the caller's own; streamed as the model streams. Needs memories:read; " +
      'learns from the exchange in the background when the caller has memories:write.',
  })
  @ApiBody({
    description:
      "OpenAI's chat completion request; every field is passed on to the model as sent (tools, " +
      'response_format, temperature, stream, ...)',
    schema: {
      type: 'object',
      required: ['model', 'messages'],
      additionalProperties: true,
      properties: {
        model: { type: 'string' },
        messages: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['role'],
            additionalProperties: true,
            properties: { role: { type: 'string' }, content: {} },
          },
        },
        stream: { type: 'boolean' },
      },
    },
  })
  @ApiHeader({ name: 'X-Memory-Mode', required: false, description: '"off": relay untouched' })
  @ApiHeader({
    name: 'X-Memory-Session',
    required: false,
    description: 'a session id: also its recent turns (needs the sessions scope)',
  })
  @ApiHeader({ name: 'X-Memory-Learn', required: false, description: '"false": learn nothing' })
  @ApiOkResponse({
    description:
      "OpenAI's chat completion (or its server-sent event stream); X-Memory-Ids names the memories added",
  })
  async complete(
    @CurrentCaller() credentials: Caller,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const started = performance.now();
    const request = readChatRequest(body);
    const caller = await this.subjects.enter(chatSubject(credentials, request.body.user));
    const options = memoryOptions(req, caller, this.config);
    const added = options.off
      ? undefined
      : await this.memory.build(caller, request.body.messages, options.sessionId);
    const forwarded = added?.content
      ? { ...request.body, messages: withMemoryMessage(request.body.messages, added.content) }
      : request.body;

    const abort = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    this.metrics.proxyAddedLatency.observe((performance.now() - started) / 1000);
    const answer = await this.chat.relay(forwarded, abort.signal);
    if (answer.status >= 400) return this.relayError(answer, reply);

    reply.hijack();
    const raw = reply.raw;
    // Headers set so far (rate limits, request id) go along, as for MCP.
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) raw.setHeader(name, value);
    }
    raw.writeHead(answer.status, {
      'content-type': answer.contentType,
      'cache-control': 'no-store',
      ...(added ? { 'x-memory-ids': added.memoryIds.join(',') } : {}),
    });
    raw.flushHeaders();
    const captured = await this.pipe(answer, raw, abort.signal);
    if (captured !== undefined && options.learn) {
      const text = answerText(captured, request.stream);
      if (text) this.learner.learnLater(caller, request.body.messages, text);
    }
  }

  /**
   * Writes each chunk as it arrives (waiting while the client is slow to read) and counts the
   * outcome. Answers the body's text for learning, unless the stream broke or outgrew the capture.
   */
  private async pipe(
    answer: RelayedAnswer,
    raw: ServerResponse,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of answer.body) {
        if (size <= LEARN_CAPTURE_BYTES) chunks.push(Buffer.from(chunk));
        size += chunk.length;
        if (!raw.write(chunk)) {
          await new Promise((resolve) => raw.once('drain', resolve).once('close', resolve));
        }
        if (signal.aborted) throw signal.reason;
      }
      raw.end();
      this.metrics.proxyRequests.inc({ outcome: 'answered' });
      return size <= LEARN_CAPTURE_BYTES ? Buffer.concat(chunks).toString('utf8') : undefined;
    } catch {
      this.metrics.proxyRequests.inc({ outcome: signal.aborted ? 'cancelled' : 'broken' });
      raw.destroy();
      return undefined;
    }
  }

  /** The chat server's own failure, in OpenAI's shape, with its status (its Retry-After too). */
  private async relayError(answer: RelayedAnswer, reply: FastifyReply): Promise<void> {
    let text = '';
    for await (const chunk of answer.body) {
      if (text.length < ERROR_BODY_BYTES) text += Buffer.from(chunk).toString('utf8');
    }
    this.metrics.proxyRequests.inc({ outcome: 'upstream_error' });
    // The server refusing the service's own key is not the caller's credentials failing.
    const status = answer.status === 401 || answer.status === 403 ? 502 : answer.status;
    const error = upstreamError(answer.status, text.slice(0, ERROR_BODY_BYTES));
    if (status !== answer.status) {
      error.error.message = `The language model refused the service's credentials (check VLLM_API_KEY): ${error.error.message}`;
      error.error.type = 'server_error';
      error.error.code = 'bad_gateway';
    }
    if (answer.retryAfter) reply.header('Retry-After', answer.retryAfter);
    await reply.status(status).type('application/json').send(JSON.stringify(error));
  }
}
