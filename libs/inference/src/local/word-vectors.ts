import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Shipped with the code (see libs/inference/data/README.md); the build copies it into dist. */
const NAME = 'glove-6b-100d-top40k';
const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data');
const MAGIC = 'MSWV';
const HEADER_BYTES = 16;

export interface WordVectors {
  readonly dimensions: number;
  /** Adds `weight` times the word's vector to `into`; false when the word is not known. */
  addTo(into: Float64Array, word: string, weight: number): boolean;
}

let loaded: WordVectors | undefined;

/** GloVe vectors of the 40,000 most frequent English words, loaded once on first use (4 MB). */
export function wordVectors(): WordVectors {
  loaded ??= load(join(DATA_DIR, `${NAME}.bin`), join(DATA_DIR, `${NAME}.words`));
  return loaded;
}

function load(vectorsFile: string, wordsFile: string): WordVectors {
  const bytes = readFileSync(vectorsFile);
  if (bytes.toString('ascii', 0, 4) !== MAGIC)
    throw new Error(`${vectorsFile} is not a word-vector file`);
  const count = bytes.readUInt32LE(4);
  const dimensions = bytes.readUInt32LE(8);
  const words = readFileSync(wordsFile, 'utf8').split('\n').slice(0, count);
  if (words.length !== count || bytes.length !== HEADER_BYTES + count * (4 + dimensions)) {
    throw new Error(`${vectorsFile} does not match ${wordsFile}`);
  }
  // Copies, so the typed arrays are aligned whatever the Buffer's offset in its pool.
  const scales = new Float32Array(
    bytes.buffer.slice(
      bytes.byteOffset + HEADER_BYTES,
      bytes.byteOffset + HEADER_BYTES + count * 4,
    ),
  );
  const componentsStart = bytes.byteOffset + HEADER_BYTES + count * 4;
  const components = new Int8Array(
    bytes.buffer.slice(componentsStart, componentsStart + count * dimensions),
  );
  const index = new Map(words.map((word, i) => [word, i]));
  return {
    dimensions,
    addTo(into, word, weight) {
      const i = index.get(word);
      if (i === undefined) return false;
      const scaled = weight * scales[i]!;
      const offset = i * dimensions;
      for (let d = 0; d < dimensions; d++) into[d]! += scaled * components[offset + d]!;
      return true;
    },
  };
}
