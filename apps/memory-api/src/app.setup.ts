import type { Server } from 'node:http';
import { RequestMethod, VersioningType } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AuthenticationGuard } from '@memory-system/auth';
import {
  AppConfig,
  createValidationPipe,
  requestIdFor,
  sendProblem,
  UnreadableUrl,
  SUBJECT_HEADER,
} from '@memory-system/core';
import { HttpMetricsHook } from '@memory-system/observability';
import { authenticateBeforeBody } from './http/authenticate-before-body.js';
import { CONSOLE_PATH, consoleHeaders, serveConsole } from './http/console-route.js';
import { registerBodyParsers } from './http/body-parsers.js';
import { registerMethodNotAllowed } from './http/method-not-allowed.js';

/** A JSON API needs no scripts or frames; the /docs UI needs its own scripts and styles. */
const apiHeaders = helmet({
  contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
});
const docsHeaders = helmet({ contentSecurityPolicy: false });

/** The body limit of the routes that need no credentials. */
const PUBLIC_BODY_LIMIT = 16 * 1024;

/**
 * How many proxies in front are trusted to name the client in X-Forwarded-For (TRUST_PROXY): the
 * adapter is built before the configuration is read, so it asks this once the app has set it.
 */
const proxyTrust = { hops: 0 };

/**
 * Nest on Fastify: its radix-tree router and hooks cost less per request than Express' layer
 * list (about 0.5 ms of a vector search and 1 ms of an add on a 2-core VM, measured side by side).
 */
export function createHttpAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    trustProxy: (_address: string, hop: number) => hop < proxyTrust.hops,
    // Replaced by REQUEST_TIMEOUT once the configuration is read (configureApp); Fastify would
    // otherwise turn it off.
    requestTimeout: 300_000,
    // How often Node looks for requests past their timeout (its default, 30 s, would let a slow
    // sender hold a connection for REQUEST_TIMEOUT + 30 s).
    http: { connectionsCheckingInterval: 1_000 },
    routerOptions: { ignoreTrailingSlash: true },
    genReqId: requestIdFor,
    // What the router refuses before any route runs is a problem document too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(
        request,
        reply,
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new UnreadableUrl(
              414,
              'A path segment is longer than any id this API takes (100 characters).',
            )
          : error.code === 'FST_ERR_BAD_URL'
            ? new UnreadableUrl(
                400,
                'The URL is not valid: a percent-encoded part does not decode.',
              )
            : error,
      ),
  });
}

/**
 * A request (headers and body) must arrive within REQUEST_TIMEOUT (408 and the connection closed
 * otherwise), and at most MAX_CONNECTIONS are open at once: slow senders cannot hold the server.
 */
function limitConnections(server: Server, config: AppConfig): void {
  server.requestTimeout = config.http.requestTimeoutMs;
  server.headersTimeout = Math.min(server.headersTimeout, config.http.requestTimeoutMs);
  server.maxConnections = config.http.maxConnections;
}

/** Everything main.ts applies to an app instance before it listens. */
export function configureApp(app: NestFastifyApplication): NestFastifyApplication {
  const config = app.get(AppConfig);
  const fastify = app.getHttpAdapter().getInstance();
  app.useLogger(app.get(Logger));
  proxyTrust.hops = config.http.trustProxy === true ? Infinity : Number(config.http.trustProxy);
  limitConnections(fastify.server, config);
  const httpMetrics = app.get(HttpMetricsHook);
  fastify.addHook('onResponse', (request, reply, done) => {
    httpMetrics.record(request, reply);
    done();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    // On Node's response, so that an answer Fastify hands over (MCP) carries it too.
    reply.raw.setHeader('X-Request-Id', request.id);
    const headers = request.url.startsWith('/docs')
      ? docsHeaders
      : request.url.startsWith(CONSOLE_PATH)
        ? consoleHeaders
        : apiHeaders;
    headers(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
  // No origin allowed (the default): browsers get no CORS headers at all, and no request pays
  // for writing them (50 us a request, measured).
  if (config.http.allowedOrigins.length > 0) {
    app.enableCors({
      origin: config.http.allowedOrigins.includes('*') ? true : config.http.allowedOrigins,
      methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'X-Memory-Ids'],
      maxAge: 600,
    });
  }
  registerMethodNotAllowed(fastify);
  registerBodyParsers(fastify, {
    standard: config.http.bodyLimitBytes,
    import: config.http.importBodyLimitBytes,
    public: PUBLIC_BODY_LIMIT,
  });
  authenticateBeforeBody(fastify, app.get(AuthenticationGuard));
  serveConsole(app);
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
      { path: 'mcp', method: RequestMethod.ALL },
      // The OpenAI-compatible chat proxy: clients take http://host:3000/v1 as their base URL.
      { path: 'v1/models', method: RequestMethod.GET },
      { path: 'v1/chat/completions', method: RequestMethod.POST },
    ],
  });
  app.enableVersioning({ type: VersioningType.URI });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  if (config.http.swagger) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('memory-system')
        .setDescription(
          'Long-term memory for LLM applications. Authenticate with a bearer access token from ' +
            '/api/v1/auth/login or an API key (X-API-Key). Errors are RFC 9457 application/problem+json.',
        )
        .setVersion('1')
        .addBearerAuth()
        .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
        .addSecurityRequirements('bearer')
        .addSecurityRequirements('api-key')
        .addGlobalParameters({
          name: SUBJECT_HEADER,
          in: 'header',
          required: false,
          schema: { type: 'string', pattern: '^[A-Za-z0-9._@:-]{1,128}$' },
          description:
            "Act for this end user (subject) of the account's app (needs the subjects scope): " +
            "memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. " +
            'Account routes (keys, profile, admin, subjects) ignore it.',
        })
        .build(),
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  }
  return app;
}
