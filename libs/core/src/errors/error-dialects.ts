import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** An error as the global filter understood it, before it is written in some shape. */
export interface ErrorSummary {
  status: number;
  title: string;
  detail: string;
  /** The domain error's slug, when there was one (e.g. `invalid-request`). */
  code?: string;
  retryAfterSeconds?: number;
}

export type ErrorWriter = (
  error: ErrorSummary,
  request: FastifyRequest,
  reply: FastifyReply,
) => void;

/**
 * Routes whose clients expect errors in another shape than RFC 9457 (the OpenAI-compatible
 * proxy's clients expect OpenAI's). An edge module registers its path prefix and writer; the
 * global filter asks here first, so errors raised anywhere (body parsing, guards, handlers, an
 * unknown path under the prefix) leave in the shape the client understands.
 */
@Injectable()
export class ErrorDialects {
  private readonly dialects: Array<{ prefix: string; write: ErrorWriter }> = [];

  register(prefix: string, write: ErrorWriter): void {
    this.dialects.push({ prefix, write });
  }

  writerFor(url: string): ErrorWriter | undefined {
    return this.dialects.find((d) => url === d.prefix || url.startsWith(`${d.prefix}/`))?.write;
  }
}
