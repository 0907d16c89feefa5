// The console's bundle: Preact, Vite's defaults, one script and one stylesheet in dist/console,
// served by the API at /console (see apps/memory-api/src/http/console-route.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/console/',
  logLevel: 'warn',
  resolve: {
    alias: { '@memory-system/api-client': here('../../libs/api-client/src/index.ts') },
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('../../dist/console'),
    emptyOutDir: true,
    // The Content-Security-Policy allows scripts, styles and images from the same origin only:
    // no inline script for a module preload polyfill, no data: URIs for small assets.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
