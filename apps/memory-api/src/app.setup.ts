import { type INestApplication, RequestMethod, VersioningType } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Express, NextFunction, Request, Response } from 'express';
import { json, text } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppConfig, createValidationPipe, refuseDeepJson } from '@memory-system/core';
import { HttpMetricsMiddleware } from '@memory-system/observability';

/** A JSON API needs no scripts or frames; the /docs UI needs its own scripts and styles. */
const apiHeaders = helmet({
  contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
});
const docsHeaders = helmet({ contentSecurityPolicy: false });

/** The body limit of the routes that need no credentials. */
const PUBLIC_BODY_LIMIT = '16kb';

/** Everything main.ts and the e2e tests apply alike to an app instance. */
export function configureApp(app: INestApplication): INestApplication {
  const config = app.get(AppConfig);
  const express = app.getHttpAdapter().getInstance() as Express;
  app.useLogger(app.get(Logger));
  express.disable('x-powered-by');
  // Answers are computed per request and never revalidated: no hash of each body for an ETag.
  express.set('etag', false);
  // Behind Swarm's ingress or a proxy, the client address (for per-address limits) is in X-Forwarded-For.
  express.set('trust proxy', config.http.trustProxy);
  const httpMetrics = app.get(HttpMetricsMiddleware);
  app.use((req: Request, res: Response, next: NextFunction) => httpMetrics.use(req, res, next));
  app.use((req: Request, res: Response, next: NextFunction) =>
    (req.path.startsWith('/docs') ? docsHeaders : apiHeaders)(req, res, next),
  );
  app.enableCors({
    origin: config.http.allowedOrigins.includes('*') ? true : config.http.allowedOrigins,
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
  // An import is a whole export file: NDJSON as text, with its own, larger limit.
  app.use(
    ['/api/v1/memories/import', '/api/v1/admin/users/:userId/memories/import'],
    text({
      type: ['application/x-ndjson', 'application/jsonl', 'text/plain'],
      limit: config.http.importBodyLimit,
    }),
  );
  // Routes anyone may call take small bodies: nothing there needs more than a password or a token.
  app.use(
    ['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout'],
    json({ limit: PUBLIC_BODY_LIMIT, verify: refuseDeepJson }),
  );
  app.use(json({ limit: config.http.bodyLimit, verify: refuseDeepJson }));
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
      { path: 'mcp', method: RequestMethod.ALL },
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
        .build(),
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  }
  return app;
}
