// What a browser downloads to open the web console (apps/console), as `npm run build` left it in
// dist/console: each file raw and gzipped (level 9, as a proxy or CDN would send it), and the
// JavaScript gzipped against the budget of 150 KB. Run: npm run bench:console
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 150;
const root = join(process.cwd(), 'dist', 'console');
const files = readdirSync(root, { recursive: true })
  .map((name) => join(root, String(name)))
  .filter((path) => statSync(path).isFile())
  .sort();
const kb = (bytes) => (bytes / 1024).toFixed(1);
let scriptGzip = 0;
console.log('| file | raw KB | gzipped KB |\n| --- | ---: | ---: |');
for (const path of files) {
  const raw = readFileSync(path);
  const gzipped = gzipSync(raw, { level: 9 }).length;
  if (path.endsWith('.js')) scriptGzip += gzipped;
  console.log(`| ${relative(root, path)} | ${kb(raw.length)} | ${kb(gzipped)} |`);
}
console.log(
  `\nJavaScript, gzipped: ${kb(scriptGzip)} KB of the ${BUDGET_KB} KB budget ` +
    `(${((scriptGzip / (BUDGET_KB * 1024)) * 100).toFixed(1)}%)`,
);
if (scriptGzip > BUDGET_KB * 1024) process.exitCode = 1;
