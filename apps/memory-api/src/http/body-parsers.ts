import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import {
  InvalidRequest,
  MAX_JSON_DEPTH,
  nestsDeeperThan,
  UnsupportedMediaType,
} from '@memory-system/core';

/** The largest body each kind of route takes, in bytes. */
export interface BodyLimits {
  /** Every route not named below (REQUEST_BODY_LIMIT). */
  standard: number;
  /** An import is a whole export file (IMPORT_BODY_LIMIT). */
  import: number;
  /** Routes anyone may call: nothing there needs more than a password or a token. */
  public: number;
}

const IMPORT_ROUTES = new Set([
  '/api/v1/memories/import',
  '/api/v1/admin/users/:userId/memories/import',
]);
/** Routes anyone may call (no credentials): the only ones whose bodies are read before auth. */
export const PUBLIC_ROUTES = new Set([
  '/api/v1/auth/login',
  '/api/v1/auth/refresh',
  '/api/v1/auth/logout',
]);
/** What an import takes: NDJSON as text. */
const TEXT_TYPES = ['application/x-ndjson', 'application/jsonl', 'text/plain'];

/**
 * JSON for every route and NDJSON text for imports, each route with its own body limit. Fastify
 * reads the body up to the route's limit (413 past it, before reading more); a JSON body then has
 * its depth checked in one pass over the bytes before it is parsed, so a body nested a million
 * deep is refused in milliseconds instead of stalling the parser and every validator after it.
 */
export function registerBodyParsers(fastify: FastifyInstance, limits: BodyLimits): void {
  // Routes are registered after this runs (at app.init), each with its limit.
  fastify.addHook('onRoute', (route) => {
    route.bodyLimit = IMPORT_ROUTES.has(route.url)
      ? limits.import
      : PUBLIC_ROUTES.has(route.url)
        ? limits.public
        : limits.standard;
  });
  // An answer given before the body was read (refused for its credentials, its declared length,
  // or an unknown route) waits until the rest has arrived, read off and thrown away unparsed, as
  // body-parser did: a client still sending would otherwise meet a closed connection and never
  // read the answer. At most the route's body limit is read off that way: past it the answer goes
  // at once and the connection is closed lingering. requestTimeout bounds the wait.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const raw = request.raw;
    if (raw.complete || raw.destroyed) return done(null, payload);
    reply.removeHeader('connection');
    let answered = false;
    const answer = () => {
      if (!answered) done(null, payload);
      answered = true;
    };
    let left = request.routeOptions.bodyLimit ?? limits.standard;
    const readOff = (chunk: Buffer) => {
      left -= chunk.length;
      if (left >= 0 || answered) return;
      raw.off('data', readOff);
      reply.header('connection', 'close');
      closeLingering(raw.socket);
      answer();
    };
    raw.once('end', answer).once('close', answer).once('error', answer).on('data', readOff);
  });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, raw, done) => {
    try {
      done(null, parseJsonBody(raw as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // Text is an import file; anywhere else it is JSON sent with the wrong type, which would
  // otherwise reach validation as a string and fail with a misleading message.
  fastify.addContentTypeParser(TEXT_TYPES, { parseAs: 'string' }, (request, text, done) => {
    if (IMPORT_ROUTES.has(request.routeOptions.url ?? '')) return done(null, text);
    done(
      new UnsupportedMediaType(
        `This route reads JSON: send the body with Content-Type: application/json (not ${request.headers['content-type']}).`,
      ),
      undefined,
    );
  });
}

/** How long a connection closed mid-body keeps reading off what the client still sends. */
export const LINGER_MS = 5_000;

/**
 * nginx's lingering close for a connection answered while its client is still sending: Node
 * would close the socket right after the answer, and closing a TCP socket with unread bytes sends
 * a reset that makes the client's kernel drop the answer it had already received (the client sees
 * EPIPE or ECONNRESET, never the 413). Instead the answer is followed by a half-close, the rest of
 * the body is read and thrown away, and the socket closes when the client is done or after
 * LINGER_MS, whichever comes first.
 */
function closeLingering(socket: Socket): void {
  socket.destroySoon = () => {
    if (socket.writable) socket.end();
    const cutOff = setTimeout(() => socket.destroy(), LINGER_MS).unref();
    socket.once('end', () => socket.destroy()).once('close', () => clearTimeout(cutOff));
    socket.resume();
  };
}

/**
 * A JSON body as body-parser's strict mode took it: an empty body is `{}`, and only an object
 * or an array is a body.
 */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return {};
  if (nestsDeeperThan(raw, MAX_JSON_DEPTH)) {
    throw new InvalidRequest(`The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new InvalidRequest(`The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null) {
    throw new InvalidRequest('The request body is not valid JSON: send an object or an array.');
  }
  return body;
}
