import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChromaClient } from 'chromadb';
import type { EmbeddedChromaServer } from '@memory-system/vector';
import { startChroma } from './support/chroma.js';

const COLLECTIONS = 120;
const RECORDS = 10;
const DIMENSION = 384;

const vector = (seed: number) =>
  Array.from({ length: DIMENSION }, (_, i) => Math.sin(seed * 1.37 + i * 0.11));

const rssMb = (dataDir: string) => {
  const { pid } = JSON.parse(readFileSync(join(dataDir, '.memory-system-server.json'), 'utf8')) as {
    pid: number;
  };
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
};

/**
 * The embedded Chroma started with an index cache of its own size (a config file instead of
 * flags). Each small collection's index holds about 2.6 MB resident in Chroma's default cache
 * (bench/chroma-collections.mjs), so 120 of them would grow Chroma by some 300 MB.
 */
describe('the embedded Chroma with a bounded index cache', () => {
  let chroma: EmbeddedChromaServer;
  let elsewhere: string;

  beforeAll(async () => {
    // The app's own CHROMA_* variables must not reach Chroma, which reads CHROMA_* as settings.
    elsewhere = mkdtempSync(join(tmpdir(), 'ms-chroma-elsewhere-'));
    process.env.CHROMA_PERSIST_PATH = elsewhere;
    try {
      chroma = await startChroma(undefined, undefined, { indexCacheCollections: 10 });
    } finally {
      delete process.env.CHROMA_PERSIST_PATH;
    }
  });
  afterAll(() => chroma?.stop());

  it('keeps only that many indexes in memory, and evicted ones that were written to disk still answer', async () => {
    const { hostname, port } = new URL(chroma.url);
    const client = new ChromaClient({ host: hostname, port: Number(port), ssl: false });
    const before = rssMb(chroma.dataDir);
    for (let c = 0; c < COLLECTIONS; c++) {
      const collection = await client.createCollection({
        name: `subject-${c}`,
        embeddingFunction: null,
        // Written to disk once its 10 records are indexed: Chroma 1.3 cannot load again an
        // evicted index whose records were not (the reason the app leaves the cache alone).
        configuration: { hnsw: { space: 'cosine', sync_threshold: RECORDS } },
      });
      const seeds = Array.from({ length: RECORDS }, (_, r) => c * RECORDS + r);
      await collection.add({ ids: seeds.map(String), embeddings: seeds.map(vector) });
      const found = await collection.query({ queryEmbeddings: [vector(seeds[3]!)], nResults: 1 });
      expect(found.ids[0]).toEqual([String(seeds[3])]);
    }
    const growth = rssMb(chroma.dataDir) - before;

    // Each collection again, the first ones long evicted: every one finds its own record.
    for (let c = 0; c < COLLECTIONS; c++) {
      const collection = await client.getCollection({ name: `subject-${c}` });
      const found = await collection.query({
        queryEmbeddings: [vector(c * RECORDS + 7)],
        nResults: 1,
      });
      expect({ c, ids: found.ids[0] }).toEqual({ c, ids: [String(c * RECORDS + 7)] });
    }
    // Measured: 44 MB with the cache of 10, 316 MB with Chroma's default.
    expect(growth).toBeLessThan(150);
    expect(existsSync(join(chroma.dataDir, 'chroma.sqlite3'))).toBe(true);
    expect(readdirSync(elsewhere)).toEqual([]);
  }, 180_000);
});
