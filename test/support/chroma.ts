import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminClient, ChromaClient } from 'chromadb';
import { isSubjectSpace } from '@memory-system/core';
import {
  collectionPrefixFor,
  type EmbeddedChromaOptions,
  EmbeddedChromaServer,
  SPACE_TAG,
  userHashOf,
} from '@memory-system/vector';

/** The jest global set-up starts one real Chroma server and leaves its URL here. */
export const CHROMA_URL_VARIABLE = 'MEMORY_SYSTEM_TEST_CHROMA_URL';

export function sharedChromaUrl(): string {
  const url = process.env[CHROMA_URL_VARIABLE];
  if (!url) throw new Error(`${CHROMA_URL_VARIABLE} is not set: run the e2e suites through jest`);
  return url;
}

/** A Chroma server of a suite's own, for tests that stop, kill or restart it. */
export function startChroma(
  dataDir = mkdtempSync(join(tmpdir(), 'ms-chroma-')),
  port?: number,
  options: Pick<EmbeddedChromaOptions, 'indexCacheCollections'> = {},
): Promise<EmbeddedChromaServer> {
  return EmbeddedChromaServer.start({
    ...options,
    dataDir,
    port,
    runtimeDir:
      process.env.CHROMA_RUNTIME_DIR ||
      join(homedir(), '.cache', 'memory-system', 'chroma-runtime'),
  });
}

/** A fresh, empty Chroma database, so each suite starts from nothing on the shared server. */
export async function createChromaDatabase(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  const name = `test_${randomUUID().replace(/-/g, '')}`;
  await new AdminClient({ host: hostname, port: Number(port), ssl: false }).createDatabase({
    name,
    tenant: 'default_tenant',
  });
  return name;
}

/** Names of the collections in a database (to prove what the service created or removed). */
export async function collectionNames(url: string, database: string): Promise<string[]> {
  const { hostname, port } = new URL(url);
  const client = new ChromaClient({ host: hostname, port: Number(port), ssl: false, database });
  return (await client.listCollections({ limit: 1000 })).map((c) => c.name);
}

/**
 * The ids of a memory space's records wherever the service keeps them: a user's own collections,
 * or the records tagged as a subject's in the homes its account's subjects share.
 */
export async function storedIdsOf(url: string, database: string, space: string): Promise<string[]> {
  const { hostname, port } = new URL(url);
  const client = new ChromaClient({ host: hostname, port: Number(port), ssl: false, database });
  const ids: string[] = [];
  for (const collection of await client.listCollections({ limit: 1000 })) {
    if (isSubjectSpace(space)) {
      const where = { [SPACE_TAG]: userHashOf(space) };
      ids.push(...(await collection.get({ where, include: [] })).ids);
    } else if (collection.name.startsWith(collectionPrefixFor(space))) {
      ids.push(...(await collection.get({ include: [] })).ids);
    }
  }
  return ids;
}
