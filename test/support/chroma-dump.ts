import { ChromaClient } from 'chromadb';

/** Every record of every collection in a Chroma database, embeddings included, sorted. */
export async function dumpChroma(url: string, database: string) {
  const { hostname, port } = new URL(url);
  const client = new ChromaClient({ host: hostname, port: Number(port), ssl: false, database });
  const dump: Record<
    string,
    Array<{ id: string; document: string | null; metadata: unknown; embedding: number[] }>
  > = {};
  for (const collection of await client.listCollections({ limit: 1000 })) {
    const all = await collection.get({ include: ['documents', 'metadatas', 'embeddings'] });
    dump[collection.name] = all.ids
      .map((id, i) => ({
        id,
        document: all.documents[i] ?? null,
        metadata: all.metadatas[i],
        embedding: Array.from(all.embeddings[i] ?? []),
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }
  return dump;
}
