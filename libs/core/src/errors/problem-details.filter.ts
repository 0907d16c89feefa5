import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { DomainError } from './domain-error.js';
import { ErrorDialects } from './error-dialects.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_TYPE_BASE = 'https://memory-system.dev/problems/';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId?: string;
  [extension: string]: unknown;
}

interface Mapped {
  status: number;
  code?: string;
  title?: string;
  detail: string;
  retryAfter?: number;
  extensions?: Record<string, unknown>;
}

function fromHttpException(error: HttpException): Mapped {
  const status = error.getStatus();
  const body = error.getResponse();
  let detail = error.message;
  if (typeof body === 'object' && body !== null) {
    const message = (body as { message?: unknown }).message;
    detail = Array.isArray(message) ? message.join('; ') : String(message ?? detail);
  }
  return { status, detail };
}

function map(error: unknown): Mapped {
  if (error instanceof DomainError) {
    return {
      status: error.status,
      code: error.code,
      title: error.title,
      detail: error.message,
      retryAfter: error.retryAfterSeconds,
      extensions: error.extensions,
    };
  }
  if (error instanceof HttpException) return fromHttpException(error);
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, detail: 'An unexpected error occurred.' };
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Answers a request with the problem document of an error: the way every error leaves, from
 * Nest's filter or from Fastify's own framework errors (before any route is found).
 */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  const mapped = map(error);
  const title = mapped.title ?? STATUS_CODES[mapped.status] ?? 'Error';
  const problem: ProblemDocument = {
    type: PROBLEM_TYPE_BASE + (mapped.code ?? slug(title)),
    title,
    status: mapped.status,
    detail: mapped.detail,
    instance: request.originalUrl ?? request.url,
    requestId: request.id,
    ...mapped.extensions,
  };
  if (reply.sent || reply.raw.headersSent) return;
  if (mapped.retryAfter !== undefined) reply.header('Retry-After', String(mapped.retryAfter));
  if (mapped.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="memory-system"');
  reply.status(mapped.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/**
 * Every error, of any origin, leaves as an RFC 9457 problem document with the request id (or in
 * the shape a registered dialect writes for its paths).
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly dialects: ErrorDialects) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    // The client's connection closed while its body was read (past REQUEST_TIMEOUT Node has
    // answered 408 itself, or the client gave up): nothing failed here, and nobody can be answered.
    if (request.raw.destroyed && (error as NodeJS.ErrnoException)?.code === 'ECONNRESET') return;
    const mapped = map(error);
    if (mapped.status >= 500 && !(error instanceof DomainError)) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    const title = mapped.title ?? STATUS_CODES[mapped.status] ?? 'Error';
    if (reply.sent || reply.raw.headersSent) return;
    const dialect = this.dialects.writerFor((request.url ?? '').split('?')[0]!);
    if (dialect) {
      if (mapped.retryAfter !== undefined) reply.header('Retry-After', String(mapped.retryAfter));
      return dialect(
        {
          status: mapped.status,
          title,
          detail: mapped.detail,
          code: mapped.code,
          retryAfterSeconds: mapped.retryAfter,
        },
        request,
        reply,
      );
    }
    sendProblem(request, reply, error);
  }
}
