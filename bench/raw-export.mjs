// The floor for the backup benchmark: every record of every collection in a Chroma database, read
// straight from Chroma into gzipped NDJSON, by the cheapest way found: ids 10,000 at a time by
// offset, then records 500 at a time by id. (Pages of whole records by offset cost Chroma a scan up
// to the offset each: 28 s for 100,000 records but 174 s for 250,000, growing with the square.)
// Two exports, before a backup and after its restore, show whether every record came back.
//   node bench/raw-export.mjs <chroma-url> <out.ndjson.gz>   → {"records":N} on stdout
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { ChromaClient } from 'chromadb';

const ID_BLOCK = 10_000;
const PAGE = 500;
const [url, out] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const client = new ChromaClient({ host: hostname, port: Number(port), ssl: false });

let records = 0;

async function* lines() {
  for (const collection of await client.listCollections()) {
    for (let offset = 0; ; offset += ID_BLOCK) {
      const { ids } = await collection.get({ offset, limit: ID_BLOCK, include: [] });
      for (let start = 0; start < ids.length; start += PAGE) {
        const page = await collection.get({
          ids: ids.slice(start, start + PAGE),
          include: ['documents', 'metadatas', 'embeddings'],
        });
        for (let i = 0; i < page.ids.length; i++) {
          records++;
          yield `${JSON.stringify({
            collection: collection.name,
            id: page.ids[i],
            document: page.documents[i],
            metadata: page.metadatas[i],
            embedding: Array.from(page.embeddings[i]),
          })}\n`;
        }
      }
      if (ids.length < ID_BLOCK) break;
    }
  }
}

await pipeline(lines, createGzip(), createWriteStream(out));
console.log(JSON.stringify({ records }));
