import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import helmet from 'helmet';

/** Where `npm run build` puts the console's bundle (vite: apps/console/vite.config.mjs). */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../../console/', import.meta.url));
export const CONSOLE_PATH = '/console';

/**
 * The console's own headers: its scripts, styles and images come from this origin only (no inline
 * script or style, no eval), it talks to this origin only, and no other page may frame it.
 */
export const consoleHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      manifestSrc: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
});

/**
 * Serves the web console at /console from the built bundle, same origin as the API. Its file names
 * carry a content hash, so they are cached for good; index.html is asked for anew each time.
 */
export function serveConsole(app: NestFastifyApplication): boolean {
  if (!existsSync(join(CONSOLE_DIR, 'index.html'))) return false;
  app.useStaticAssets({
    root: CONSOLE_DIR,
    prefix: `${CONSOLE_PATH}/`,
    decorateReply: false,
    // A route per file of the bundle (it does not change while the service runs): /console and
    // /console/ (one path: trailing slashes are ignored) answer index.html; anything else is a 404.
    wildcard: false,
    redirect: false,
    // @fastify/static 10 hands over Fastify's reply here (Nest's type still names Node's response).
    setHeaders: (response, path) => {
      (response as unknown as FastifyReply).header(
        'Cache-Control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  return true;
}
