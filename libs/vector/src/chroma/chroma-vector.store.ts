import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ChromaClient, ChromaNotFoundError, type Collection } from 'chromadb';
import {
  AppConfig,
  BackendUnavailable,
  isSubjectSpace,
  Metrics,
  StartupWork,
} from '@memory-system/core';
import {
  type ArchivedRecord,
  type CollectionInfo,
  type Metadata,
  type PageRequest,
  type QueryMatch,
  type StoredRecord,
  type VectorFilter,
  type VectorRecord,
  type VectorScope,
  VectorStore,
} from '../vector-store.port.js';
import { ChromaEndpoint } from './chroma-endpoint.js';
import {
  ChromaRecordsClient,
  type GetAnswer,
  type RecordColumns,
} from './chroma-records.client.js';
import { mapChromaError, withTimeout } from './chroma-errors.js';
import {
  COLLECTION_PREFIX,
  collectionNameFor,
  collectionPrefixForHash,
  homeHashOf,
  SPACE_TAG,
  subjectHomeHashesOf,
  userHashOf,
} from './collection-name.js';
import { checkChromaApiVersion, ChromaUnreachable } from './chroma-version-check.js';
import { HNSW_SETTINGS } from './hnsw-settings.js';

function clientFor(endpoint: ChromaEndpoint, config: AppConfig): ChromaClient {
  const url = new URL(endpoint.url);
  const ssl = url.protocol === 'https:';
  return new ChromaClient({
    host: url.hostname,
    port: url.port ? Number(url.port) : ssl ? 443 : 80,
    ssl,
    tenant: config.chroma.tenant,
    database: config.chroma.database,
    headers: endpoint.headers,
  });
}

/**
 * Memories in Chroma, one collection per home and embedding space: a user's own, or one an
 * account's subjects share (SUBJECT_HOMES of them), where every record carries its subject's tag
 * (SPACE_TAG) and every read, write and delete of a subject is held to it here, in one place.
 * Collections and whole-store work go through the chromadb client; the record calls a request
 * makes go through a leaner HTTP client (see ChromaRecordsClient).
 */
@Injectable()
export class ChromaVectorStore extends VectorStore implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ChromaVectorStore.name);
  private readonly client: ChromaClient;
  private readonly recordClient: ChromaRecordsClient;
  /** Collection handles by name; a failed lookup is forgotten so the next call retries. */
  private readonly collections = new Map<string, Promise<Collection>>();
  readonly location: string;

  constructor(
    private readonly endpoint: ChromaEndpoint,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
    private readonly startup: StartupWork,
  ) {
    super();
    this.location = `Chroma at ${new URL(endpoint.url).host}`;
    this.client = clientFor(endpoint, config);
    this.recordClient = new ChromaRecordsClient({
      url: endpoint.url,
      headers: endpoint.headers,
      tenant: config.chroma.tenant,
      database: config.chroma.database,
      timeoutMs: config.chroma.timeoutMs,
    });
  }

  /**
   * Refuses to start against a server too old for the v2 API or that refuses our credentials.
   * One that does not answer yet is waited for (StartupWork: retried with a growing pause,
   * readiness down meanwhile) while requests answer 503.
   */
  async onModuleInit(): Promise<void> {
    const check = () =>
      checkChromaApiVersion(this.endpoint, this.config.chroma.timeoutMs, this.logger);
    try {
      await check();
    } catch (error) {
      if (!(error instanceof ChromaUnreachable)) throw error;
      await this.startup.run('check the Chroma server', this.location, check);
    }
  }

  /** Last, once the HTTP server has closed: a request still answering keeps its connections. */
  async onApplicationShutdown(): Promise<void> {
    await this.recordClient.close();
  }

  async add(scope: VectorScope, records: VectorRecord[]): Promise<void> {
    if (records.length === 0) return;
    const tagged = ownedBy(scope, records);
    await this.call(scope, 'add', (c) => this.recordClient.add(c.id, columns(tagged)));
  }

  async upsert(scope: VectorScope, records: VectorRecord[]): Promise<void> {
    if (records.length === 0) return;
    const tagged = ownedBy(scope, records);
    await this.call(scope, 'upsert', (c) => this.recordClient.upsert(c.id, columns(tagged)));
  }

  async get(
    scope: VectorScope,
    ids: string[],
    options: { embeddings?: boolean; filter?: VectorFilter } = {},
  ): Promise<StoredRecord[]> {
    if (ids.length === 0) return [];
    const result = await this.call(scope, 'get', (c) =>
      this.recordClient.get(c.id, {
        ids,
        where: within(scope, options.filter),
        include: includes(options.embeddings),
      }),
    );
    return records(result, options.embeddings);
  }

  async find(
    scope: VectorScope,
    filter: VectorFilter | undefined,
    page: PageRequest,
    options: { embeddings?: boolean } = {},
  ): Promise<StoredRecord[]> {
    const result = await this.call(scope, 'get', (c) =>
      this.recordClient.get(c.id, {
        where: within(scope, filter),
        limit: page.limit,
        offset: page.offset,
        include: includes(options.embeddings),
      }),
    );
    return records(result, options.embeddings);
  }

  async query(
    scope: VectorScope,
    embedding: number[],
    options: { limit: number; filter?: VectorFilter },
  ): Promise<QueryMatch[]> {
    const result = await this.call(scope, 'query', (c) =>
      this.recordClient.query(c.id, {
        query_embeddings: [embedding],
        n_results: options.limit,
        where: within(scope, options.filter),
        include: ['documents', 'metadatas', 'distances'],
      }),
    );
    const distances = result.distances?.[0] ?? [];
    const metadatas = result.metadatas?.[0] ?? [];
    // A record deleted while the query ran comes back as its id with null document and metadata
    // (Chroma's vector index lags its metadata; 87 of 2,126 queries during deletes, measured).
    return rows(result.ids[0] ?? [], result.documents?.[0] ?? [], metadatas)
      .map((row, i) => ({ ...row, distance: distances[i] ?? Number.NaN }))
      .filter((_, i) => metadatas[i] != null);
  }

  async nearest(
    scope: VectorScope,
    embedding: number[],
    options: { limit: number; filter?: VectorFilter },
  ): Promise<Array<{ id: string; distance: number }>> {
    const result = await this.call(scope, 'query', (c) =>
      this.recordClient.query(c.id, {
        query_embeddings: [embedding],
        n_results: options.limit,
        where: within(scope, options.filter),
        include: ['distances'],
      }),
    );
    const distances = result.distances?.[0] ?? [];
    return (result.ids[0] ?? []).map((id, i) => ({ id, distance: distances[i] ?? Number.NaN }));
  }

  async delete(scope: VectorScope, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.call(scope, 'delete', (c) => this.recordClient.delete(c.id, ids, within(scope)));
  }

  async count(scope: VectorScope): Promise<number> {
    if (!isSubjectSpace(scope.userId)) return this.call(scope, 'count', (c) => c.count());
    // Chroma counts only whole collections: a subject's records are counted by their ids.
    let count = 0;
    for (let offset = 0; ; offset += COUNT_PAGE) {
      const ids = await this.ids(scope, { offset, limit: COUNT_PAGE });
      count += ids.length;
      if (ids.length < COUNT_PAGE) return count;
    }
  }

  async ids(scope: VectorScope, page: PageRequest): Promise<string[]> {
    const result = await this.call(scope, 'get', (c) =>
      this.recordClient.get(c.id, {
        where: within(scope),
        limit: page.limit,
        offset: page.offset,
        include: [],
      }),
    );
    return result.ids;
  }

  async deleteUserData(space: string): Promise<void> {
    if (isSubjectSpace(space)) {
      // A subject's records leave its home, which its account's other subjects share.
      const prefix = collectionPrefixForHash(homeHashOf(space));
      const own = { [SPACE_TAG]: userHashOf(space) };
      for (const collection of await this.memoryCollections()) {
        if (!collection.name.startsWith(prefix)) continue;
        await this.guardAdmin('deleting records', () => collection.delete({ where: own }));
      }
      return;
    }
    const homes = [homeHashOf(space), ...subjectHomeHashesOf(space)];
    const prefixes = homes.map(collectionPrefixForHash);
    for (const { name } of await this.memoryCollections()) {
      if (prefixes.some((prefix) => name.startsWith(prefix))) await this.dropCollection(name);
    }
  }

  async listCollections(): Promise<CollectionInfo[]> {
    const infos: CollectionInfo[] = [];
    for (const collection of await this.memoryCollections()) {
      infos.push({
        ...spaceOf(collection),
        count: await this.guard('counting', () => collection.count()),
      });
    }
    return infos;
  }

  async listCollectionSpaces(): Promise<Array<Omit<CollectionInfo, 'count'>>> {
    return (await this.memoryCollections()).map(spaceOf);
  }

  async readIds(name: string, page: PageRequest): Promise<string[]> {
    const collection = await this.guard('opening a collection', () =>
      this.client.getCollection({ name }),
    );
    const result = await this.guardAdmin('listing ids', () =>
      collection.get({ limit: page.limit, offset: page.offset, include: [] }),
    );
    return result.ids;
  }

  async readRecords(name: string, ids: string[]): Promise<ArchivedRecord[]> {
    if (ids.length === 0) return [];
    const collection = await this.guard('opening a collection', () =>
      this.client.getCollection({ name }),
    );
    const result = await this.guardAdmin('reading a collection', () =>
      collection.get({ ids, include: ['documents', 'metadatas', 'embeddings'] }),
    );
    return rows(result.ids, result.documents, result.metadatas).map((row, i) => ({
      ...row,
      embedding: Array.from(result.embeddings[i] ?? []),
    }));
  }

  async readEntries(name: string, ids: string[]): Promise<StoredRecord[]> {
    if (ids.length === 0) return [];
    const collection = await this.guard('opening a collection', () =>
      this.client.getCollection({ name }),
    );
    const result = await this.guardAdmin('reading a collection', () =>
      collection.get({ ids, include: ['documents', 'metadatas'] }),
    );
    return rows(result.ids, result.documents, result.metadatas);
  }

  async writeCollection(
    info: Omit<CollectionInfo, 'count'>,
    records: ArchivedRecord[],
  ): Promise<void> {
    if (records.length === 0) return;
    this.collections.delete(info.name);
    const collection = await this.guard('opening a collection', () =>
      this.open(info.name, info.model, info.dimension),
    );
    await this.guardAdmin('restoring records', () => collection.upsert(columns(records)));
  }

  async dropCollection(name: string): Promise<void> {
    this.collections.delete(name);
    try {
      await this.guardAdmin('deleting a collection', () => this.client.deleteCollection({ name }));
    } catch (error) {
      // Dropped meanwhile by someone else (a user's erasure and a re-embedding forgetting them).
      if (!(error instanceof ChromaNotFoundError)) throw error;
    }
  }

  async hasCollection(name: string): Promise<boolean> {
    try {
      await this.guard('opening a collection', () => this.client.getCollection({ name }));
      return true;
    } catch (error) {
      if (error instanceof ChromaNotFoundError) return false;
      throw error;
    }
  }

  async deleteRecords(name: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const collection = await this.guard('opening a collection', () =>
      this.client.getCollection({ name }),
    );
    await this.guardAdmin('deleting records', () => collection.delete({ ids }));
  }

  async spacesIn(name: string): Promise<Set<string>> {
    const spaces = new Set<string>();
    const collection = await this.guard('opening a collection', () =>
      this.client.getCollection({ name }),
    );
    const read = (offset: number, limit: number) =>
      this.guardAdmin('reading a collection', () =>
        collection.get({ limit, offset, include: ['metadatas'] }),
      );
    // A collection's records are all tagged (a shared home) or none (a user's own): one tells.
    const [first] = (await read(0, 1)).metadatas;
    if (typeof first?.[SPACE_TAG] !== 'string') return spaces;
    for (let offset = 0; ; offset += COUNT_PAGE) {
      const page = await read(offset, COUNT_PAGE);
      for (const metadata of page.metadatas) {
        const tag = metadata?.[SPACE_TAG];
        if (typeof tag === 'string') spaces.add(tag);
      }
      if (page.ids.length < COUNT_PAGE) return spaces;
    }
  }

  async heartbeat(): Promise<void> {
    try {
      await withTimeout(this.client.heartbeat(), this.config.chroma.timeoutMs, 'heartbeat');
    } catch (error) {
      throw mapChromaError(error);
    }
  }

  private async call<T>(
    scope: VectorScope,
    operation: string,
    work: (collection: Collection) => Promise<T>,
  ): Promise<T> {
    const name = collectionNameFor(scope);
    const attempt = () =>
      this.metrics.timeBackend('chroma', operation, async () => {
        const collection = await this.collection(name, scope);
        return withTimeout(work(collection), this.config.chroma.timeoutMs, operation);
      });
    try {
      try {
        return await attempt();
      } catch (error) {
        // The collection was dropped and made again (a restore, maybe by another replica):
        // the cached handle points at the old one. Open it afresh, once.
        if (!(error instanceof ChromaNotFoundError)) throw error;
        this.collections.delete(name);
        return await attempt();
      }
    } catch (error) {
      const mapped = mapChromaError(error);
      if (mapped instanceof BackendUnavailable) this.collections.delete(name);
      throw mapped;
    }
  }

  private collection(name: string, scope: VectorScope): Promise<Collection> {
    let handle = this.collections.get(name);
    if (!handle) {
      handle = withTimeout(
        this.open(name, scope.model, scope.dimension),
        this.config.chroma.timeoutMs,
        'opening the collection',
      );
      handle.catch(() => this.collections.delete(name));
      this.collections.set(name, handle);
    }
    return handle;
  }

  private open(name: string, model: string, dimension: number): Promise<Collection> {
    return this.client.getOrCreateCollection({
      name,
      embeddingFunction: null,
      configuration: { hnsw: HNSW_SETTINGS },
      metadata: { model, dimension },
    });
  }

  /** Every memory collection, listed a page at a time. */
  private async memoryCollections(): Promise<Collection[]> {
    const found: Collection[] = [];
    const page = 100;
    for (let offset = 0; ; offset += page) {
      const collections = await this.guard('listing collections', () =>
        this.client.listCollections({ limit: page, offset }),
      );
      found.push(...collections.filter((c) => c.name.startsWith(COLLECTION_PREFIX)));
      if (collections.length < page) return found;
    }
  }

  /** As `guard`, with the longer deadline of backups and restores, which move whole collections. */
  private guardAdmin<T>(what: string, work: () => Promise<T>): Promise<T> {
    return this.guard(what, work, this.config.chroma.adminTimeoutMs);
  }

  /** A timeout and domain errors for one whole-store call. */
  private async guard<T>(
    what: string,
    work: () => Promise<T>,
    timeoutMs = this.config.chroma.timeoutMs,
  ): Promise<T> {
    try {
      return await withTimeout(work(), timeoutMs, what);
    } catch (error) {
      throw mapChromaError(error);
    }
  }
}

/** A collection's name and the embedding space its metadata names. */
function spaceOf(collection: Collection): Omit<CollectionInfo, 'count'> {
  const metadata = (collection.metadata ?? {}) as Record<string, unknown>;
  return {
    name: collection.name,
    model: String(metadata.model ?? ''),
    dimension: Number(metadata.dimension ?? 0),
  };
}

/** Ids are read (counted, listed) this many at a time. */
const COUNT_PAGE = 10_000;

/** A subject's records, tagged with whose they are; a user's as they are. */
function ownedBy(scope: VectorScope, records: VectorRecord[]): VectorRecord[] {
  if (!isSubjectSpace(scope.userId)) return records;
  const tag = userHashOf(scope.userId);
  return records.map((record) => ({
    ...record,
    metadata: { ...record.metadata, [SPACE_TAG]: tag },
  }));
}

/** The filter held to the scope's own records: a subject's home holds its neighbours' too. */
function within(scope: VectorScope, filter?: VectorFilter): VectorFilter | undefined {
  if (!isSubjectSpace(scope.userId)) return filter;
  const own = { [SPACE_TAG]: userHashOf(scope.userId) };
  return filter ? { $and: [filter, own] } : own;
}

function columns(records: VectorRecord[]): RecordColumns {
  return {
    ids: records.map((r) => r.id),
    embeddings: records.map((r) => r.embedding),
    documents: records.map((r) => r.document),
    metadatas: records.map((r) => r.metadata),
  };
}

function includes(embeddings?: boolean): Array<'documents' | 'metadatas' | 'embeddings'> {
  return embeddings ? ['documents', 'metadatas', 'embeddings'] : ['documents', 'metadatas'];
}

/** A get's columns as records, with their vectors when they were asked for. */
function records(result: GetAnswer, embeddings?: boolean): StoredRecord[] {
  const found = rows(result.ids, result.documents ?? [], result.metadatas ?? []);
  if (embeddings) {
    found.forEach((row, i) => (row.embedding = Array.from(result.embeddings?.[i] ?? [])));
  }
  return found;
}

function rows(
  ids: string[],
  documents: Array<string | null>,
  metadatas: Array<Record<string, unknown> | null>,
): StoredRecord[] {
  return ids.map((id, i) => ({
    id,
    document: documents[i] ?? '',
    metadata: (metadatas[i] ?? {}) as Metadata,
  }));
}
