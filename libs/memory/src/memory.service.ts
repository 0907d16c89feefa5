import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  accountOfSpace,
  type Caller,
  Metrics,
  type UserDataEraser,
  decodeCursor,
  DuplicateMemory,
  encodeCursor,
  Forbidden,
  isKeyCursor,
  KeyedMutex,
  MemoryNotFound,
  NotFound,
  isSubjectSpace,
  UserDirectory,
} from '@memory-system/core';
import { LexicalSearch } from '@memory-system/retrieval';
import { StateStore, withSharedLock } from '@memory-system/state';
import {
  homeHashOf,
  matchesFilter,
  type Metadata,
  subjectHomeHashesOf,
  type VectorScope,
  VectorStore,
} from '@memory-system/vector';
import { contentHash } from './domain/content-hash.js';
import type {
  ImportedMemory,
  Memory,
  MemoryFilter,
  MemoryPage,
  MemoryPatch,
  MemorySearch,
  NewMemory,
  ScoredMemory,
  SearchOutcome,
} from './domain/memory.js';
import { toVectorFilter } from './domain/memory-filter.js';
import { toMemory, toRecordMetadata } from './domain/memory-record.mapper.js';
import { isExpired, isRecordExpired } from './domain/visibility.js';
import { expiryOf } from './domain/expiry.js';
import { ExpiryIndex } from './lifecycle/expiry-index.js';
import {
  type ChangeCause,
  MemoryHistory,
  type MemoryVersion,
  type VersionEvent,
} from './history/memory-history.js';
import { SessionRegistry } from './session-registry.port.js';
import { SearchCache } from './search/search-cache.js';
import { type UserSpace, UserSpaces } from './spaces/user-spaces.js';
import { MemoryRetriever } from './search/memory-retriever.js';
import { MemoryQuota } from './quota/memory-quota.js';
import { SubjectErasures } from './subjects/subject-erasures.js';

export interface CreateOutcome {
  memory: Memory;
  /** False when the same content and type already existed and that memory is returned. */
  created: boolean;
}

/** The per-user write counter every replica bumps (see exclusiveWrite). */
const WRITE_VERSIONS = 'memory-write-versions';

/** A page cursor inside one conversation: the last memory's id and when it occurred. */
const isConversationCursor = (value: unknown): value is { k: string; t: number } =>
  isKeyCursor(value) && Number.isSafeInteger((value as { t?: unknown }).t);

/** What a change is recorded as in the memory's history. */
export interface Change {
  event: VersionEvent;
  cause: ChangeCause;
}

interface ListQuery extends Pick<
  MemoryFilter,
  'type' | 'sessionId' | 'conversationId' | 'occurredAfter' | 'occurredBefore'
> {
  tag?: string;
  limit: number;
  cursor?: string;
  /** Superseded and retracted memories too. */
  includeSuperseded?: boolean;
}

/**
 * Stores, finds, changes and forgets one user's memories. Every method takes the caller first and
 * every store call is scoped by it, so one user's data is never reachable from another's request.
 */
@Injectable()
export class MemoryService implements UserDataEraser {
  readonly name = 'memories';
  /** Serialises "is it already there? then add" per user within this process. */
  private readonly writes = new KeyedMutex();
  /** The write counter when no other replica shares the state store (see writeVersion). */
  private readonly localWriteVersions = new Map<string, number>();

  constructor(
    private readonly store: VectorStore,
    private readonly spaces: UserSpaces,
    private readonly sessions: SessionRegistry,
    private readonly searchCache: SearchCache,
    private readonly metrics: Metrics,
    private readonly retriever: MemoryRetriever,
    private readonly lexical: LexicalSearch,
    private readonly history: MemoryHistory,
    private readonly expiries: ExpiryIndex,
    private readonly state: StateStore,
    private readonly quota: MemoryQuota,
    private readonly directory: UserDirectory,
    private readonly erasures: SubjectErasures,
  ) {}

  /**
   * "Is it already there? then add" for one user, one at a time on every replica: a lock in the
   * shared state store around the local one. A counter in the store, bumped by every write, tells
   * whether anyone wrote since a caller's first look, so the second lookup is the exception.
   */
  private exclusiveWrite<T>(userId: string, work: () => Promise<T>): Promise<T> {
    return this.writes.run(userId, () =>
      withSharedLock(this.state, `memory-writes:${userId}`, work),
    );
  }

  /**
   * As exclusiveWrite, for a user whose account may still take writes, checked under the lock at
   * the moment of writing: an account disabled or deleted while the request ran (a slow
   * extraction, a long import) gets nothing stored. Deletion marks the account and then waits for
   * this lock (settleWrites), so whatever got in before the mark is there for the erasure.
   */
  private ownersWrite<T>(
    caller: Caller,
    work: () => Promise<T>,
    kind: 'store' | 'remove' = 'store',
  ): Promise<T> {
    return this.exclusiveWrite(caller.userId, async () => {
      await this.assertMayWrite(caller, kind);
      return work();
    });
  }

  /**
   * A disabled account keeps losing what expires; only a live one gains anything. A subject
   * erased while the request ran takes nothing more from it.
   */
  private async assertMayWrite(caller: Caller, kind: 'store' | 'remove' = 'store'): Promise<void> {
    await this.erasures.assertNotOvertaken(caller);
    // A subject's space takes writes while its owner's account does.
    const standing = await this.directory.standing(accountOfSpace(caller.userId));
    if (standing === 'active' || (kind === 'remove' && standing === 'disabled')) return;
    throw new Forbidden(
      `The account is ${standing === 'gone' ? 'deleted' : 'disabled'}: nothing more is stored for it.`,
    );
  }

  /** Returns once the user's writes under way here or on another replica have ended. */
  settleWrites(userId: string): Promise<void> {
    return this.exclusiveWrite(userId, () => Promise.resolve());
  }

  private async writeVersion(userId: string): Promise<number> {
    if (!this.state.shared) return this.localWriteVersions.get(userId) ?? 0;
    return (await this.state.get<number>(WRITE_VERSIONS, userId)) ?? 0;
  }

  private async bumpWriteVersion(userId: string): Promise<void> {
    // One process per SQLite store: a counter in memory does, without a durable write per add.
    if (!this.state.shared) {
      this.localWriteVersions.set(userId, (this.localWriteVersions.get(userId) ?? 0) + 1);
      return;
    }
    await this.state.increment(WRITE_VERSIONS, userId);
  }

  async create(caller: Caller, input: NewMemory): Promise<CreateOutcome> {
    return this.metrics.countOperation('create', async () => {
      const [outcome] = await this.storeMany(caller, [input]);
      return outcome!;
    });
  }

  /**
   * Stores many memories with one embedding call and one store call per chunk. Items whose content
   * and type exist already (stored before, or earlier in the same batch) return that memory.
   */
  createMany(caller: Caller, inputs: NewMemory[]): Promise<CreateOutcome[]> {
    return this.metrics.countOperation('create_batch', () => this.storeMany(caller, inputs));
  }

  /**
   * Stores memories from an export, keeping their ids and times (and vectors, when given). One
   * whose id or content and type is already stored is not stored again: importing a file twice
   * stores nothing the second time.
   */
  importMany(caller: Caller, inputs: ImportedMemory[]): Promise<CreateOutcome[]> {
    return this.metrics.countOperation('import', () => this.storeMany(caller, inputs));
  }

  private async storeMany(
    caller: Caller,
    inputs: Array<NewMemory | ImportedMemory>,
  ): Promise<CreateOutcome[]> {
    for (const input of inputs) expiryOf(input); // a bad expiry is refused before any work
    await this.assertMayWrite(caller); // and a closed account's before its collection is opened
    // Every named session must be the caller's before anything is stored.
    const sessionIds = inputs.flatMap((input) => (input.sessionId ? [input.sessionId] : []));
    if (sessionIds.length) await this.sessions.assertOwned(caller, sessionIds);
    const space = await this.spaces.of(caller.userId);
    const scope = this.scopeIn(caller, space.serving.space);
    const hashes = inputs.map((input) => contentHash(input.type, input.content));
    const versionSeen = await this.writeVersion(caller.userId);
    const existing = await this.findByHashes(scope, hashes);
    const firstIndexOf = new Map<string, number>();
    const fresh = inputs.flatMap((input, index) => {
      const hash = hashes[index]!;
      if (existing.has(hash) || firstIndexOf.has(hash)) return [];
      firstIndexOf.set(hash, index);
      return [{ input, index, hash }];
    });
    const contents = fresh.map((item) => item.input.content);
    const embeddings = await this.embeddingsFor(
      space,
      fresh.map((item) => item.input),
    );
    // While a re-embedding copies this user, new memories go to the new space as well.
    const targetEmbeddings =
      fresh.length && space.target ? await UserSpaces.embedderOf(space.target).embed(contents) : [];

    const createdByHash = await this.ownersWrite(caller, async () => {
      // Someone (here or on another replica) may have stored the same content meanwhile.
      const raced =
        (await this.writeVersion(caller.userId)) === versionSeen
          ? new Map<string, Memory>()
          : await this.findByHashes(
              scope,
              fresh.map((item) => item.hash),
            );
      // An imported memory whose id is stored already (changed since the export) stays as it is.
      const importedIds = fresh.flatMap(({ input }) => ('id' in input ? [input.id] : []));
      for (const record of importedIds.length ? await this.store.get(scope, importedIds) : []) {
        const memory = toMemory(record, scope.model);
        const item = fresh.find(({ input }) => 'id' in input && input.id === record.id)!;
        raced.set(item.hash, memory);
      }
      const now = new Date().toISOString();
      const toAdd = fresh.flatMap((item, i) => {
        if (raced.has(item.hash)) return [];
        const memory = this.newMemory(item.input, item.hash, now, scope.model);
        return [{ memory, embedding: embeddings[i]!, targetEmbedding: targetEmbeddings[i] }];
      });
      await this.quota.assertRoom(scope, toAdd.length);
      if (toAdd.length > 0) {
        const records = toAdd.map(({ memory, embedding }) => ({
          id: memory.id,
          document: memory.content,
          embedding,
          metadata: toRecordMetadata(memory),
        }));
        await this.lexical.write(
          scope,
          { upsert: records.map((r) => ({ ...r, content: r.document })) },
          async () => {
            await this.store.add(scope, records);
            if (!space.target) return;
            const target = this.scopeIn(caller, space.target.space);
            await this.store.upsert(
              target,
              toAdd.map(({ memory, targetEmbedding }) => ({
                id: memory.id,
                document: memory.content,
                embedding: targetEmbedding!,
                metadata: toRecordMetadata(memory),
              })),
            );
          },
        );
        await this.bumpWriteVersion(caller.userId);
        this.quota.added(scope, toAdd.length);
      }
      for (const [hash, memory] of raced) existing.set(hash, memory);
      const created = toAdd.map(({ memory }) => memory);
      // Under the lock too: an erasure waiting for it finds these as well.
      await this.expiries.track(caller.userId, created);
      await this.sessions.recordMemories(caller, created);
      return new Map(created.map((memory) => [memory.contentHash, memory]));
    });

    if (createdByHash.size > 0) await this.searchCache.invalidate(caller.userId);
    return hashes.map((hash, index) => {
      const created = createdByHash.get(hash);
      if (created && firstIndexOf.get(hash) === index) return { memory: created, created: true };
      return { memory: (existing.get(hash) ?? created)!, created: false };
    });
  }

  /**
   * Forgets every memory of a user or subject, in every embedding space (they were erased). A
   * subject's home stays with its neighbours, and its marker with it.
   */
  async eraseUserData(userId: string): Promise<void> {
    await this.store.deleteUserData(userId);
    await this.lexical.erase(userId);
    if (!isSubjectSpace(userId)) {
      for (const home of [homeHashOf(userId), ...subjectHomeHashesOf(userId)]) {
        if (await this.spaces.marker(home)) await this.spaces.setMarker(home, undefined);
      }
    }
    await this.searchCache.invalidate(userId);
  }

  get(caller: Caller, id: string): Promise<Memory> {
    return this.metrics.countOperation('get', async () => {
      const scope = await this.servingScope(caller);
      const [record] = await this.store.get(scope, [id]);
      // An expired memory is gone for every read, even before the sweep removes it.
      if (!record || isExpired(toMemory(record, scope.model))) throw new MemoryNotFound(id);
      return toMemory(record, scope.model);
    });
  }

  /**
   * Applies the patch; a content change is re-embedded, everything else keeps its vector. The
   * state it replaces is kept in history, marked with what changed it.
   */
  update(
    caller: Caller,
    id: string,
    patch: MemoryPatch,
    change: Change = { event: 'updated', cause: 'request' },
  ): Promise<Memory> {
    return this.metrics.countOperation('update', () => this.applyPatch(caller, id, patch, change));
  }

  /** The memory's earlier versions, oldest first; a 404 when it never existed for the caller. */
  async versions(caller: Caller, id: string): Promise<MemoryVersion[]> {
    const versions = await this.history.versions(caller, id);
    if (versions.length === 0) await this.get(caller, id);
    return versions;
  }

  /**
   * Makes an earlier version current again: the memory takes its content, type, tags and
   * metadata (the state it replaces is kept as a version too), or, if it was deleted, comes back
   * with its id.
   */
  async restoreVersion(caller: Caller, id: string, version: number): Promise<Memory> {
    const earlier = (await this.history.versions(caller, id)).find((v) => v.version === version);
    if (!earlier) {
      throw new NotFound(
        'Version not found',
        `Memory ${JSON.stringify(id)} has no version ${version} for this user.`,
      );
    }
    const fields = {
      content: earlier.content,
      type: earlier.type,
      tags: earlier.tags,
      metadata: earlier.metadata,
      status: 'current' as const,
      // Back in its place in the conversation (versions kept before these existed lack them).
      ...(earlier.occurredAt ? { occurredAt: earlier.occurredAt } : {}),
      ...(earlier.conversationId === undefined ? {} : { conversationId: earlier.conversationId }),
    };
    try {
      return await this.applyPatch(caller, id, fields, { event: 'restored', cause: 'request' });
    } catch (error) {
      if (!(error instanceof MemoryNotFound)) throw error;
    }
    const now = new Date().toISOString();
    const [outcome] = await this.storeMany(caller, [
      {
        id,
        ...fields,
        conversationId: fields.conversationId ?? undefined,
        createdAt: earlier.createdAt,
        updatedAt: now,
      },
    ]);
    return outcome!.memory;
  }

  private async applyPatch(
    caller: Caller,
    id: string,
    patch: MemoryPatch,
    change: Change,
  ): Promise<Memory> {
    const expiry = expiryOf(patch);
    const space = await this.spaces.of(caller.userId);
    const scope = this.scopeIn(caller, space.serving.space);
    return this.ownersWrite(caller, async () => {
      const [record] = await this.store.get(scope, [id], { embeddings: true });
      if (!record?.embedding || isExpired(toMemory(record, scope.model)))
        throw new MemoryNotFound(id);
      const current = toMemory(record, scope.model);
      const content = patch.content ?? current.content;
      const type = patch.type ?? current.type;
      const hash = contentHash(type, content);
      if (hash !== current.contentHash) {
        const clash = (await this.findByHashes(scope, [hash])).get(hash);
        if (clash && clash.id !== id) throw new DuplicateMemory(clash.id);
      }
      const updated: Memory = {
        ...current,
        content,
        type,
        metadata: patch.metadata ?? current.metadata,
        tags: patch.tags ? [...new Set(patch.tags)].sort() : current.tags,
        conversationId:
          patch.conversationId === undefined ? current.conversationId : patch.conversationId,
        occurredAt: patch.occurredAt
          ? new Date(patch.occurredAt).toISOString()
          : current.occurredAt,
        contentHash: hash,
        updatedAt: new Date().toISOString(),
        expiresAt: expiry === undefined ? expiryAfterPinChange(current, patch) : expiry,
        pinned: patch.pinned ?? current.pinned,
        status: patch.status ?? current.status,
        supersededBy:
          (patch.status ?? current.status) === 'superseded'
            ? (patch.supersededBy ?? current.supersededBy)
            : null,
      };
      // Nothing would change: no new version, no write, updatedAt stays.
      if (sameStoredFields(current, updated)) return current;
      const embedding =
        content === current.content
          ? record.embedding
          : (await UserSpaces.embedderOf(space.serving).embed([content]))[0]!;
      // The state being replaced is kept first: a change never destroys anything silently.
      await this.history.record(caller, current, change.event, change.cause);
      const metadata = toRecordMetadata(updated, record.metadata);
      // Chroma merges metadata on upsert; the index keeps what Chroma will then hold.
      const merged = { ...record.metadata, ...metadata };
      const indexed = { upsert: [{ id, content, metadata: merged, embedding }] };
      await this.lexical.write(scope, indexed, async () => {
        await this.store.upsert(scope, [{ id, document: content, embedding, metadata }]);
        if (space.target) await this.copyToTarget(caller, space, updated, record.metadata);
      });
      await this.bumpWriteVersion(caller.userId);
      await this.searchCache.invalidate(caller.userId);
      if (updated.expiresAt !== current.expiresAt || updated.pinned !== current.pinned) {
        await this.expiries.track(caller.userId, [updated]);
      }
      return updated;
    });
  }

  remove(
    caller: Caller,
    id: string,
    change: Change = { event: 'deleted', cause: 'request' },
  ): Promise<void> {
    return this.metrics.countOperation('delete', async () => {
      await this.removeWhere(caller, id, change, () => true);
    });
  }

  /** The expiry sweep's delete: only if the memory is (still) expired at `now`. */
  removeIfExpired(caller: Caller, id: string, now: number): Promise<boolean> {
    return this.removeWhere(caller, id, { event: 'expired', cause: 'expiry' }, (memory) =>
      isExpired(memory, now),
    );
  }

  private async removeWhere(
    caller: Caller,
    id: string,
    change: Change,
    applies: (memory: Memory) => boolean,
  ): Promise<boolean> {
    const space = await this.spaces.of(caller.userId);
    const scope = this.scopeIn(caller, space.serving.space);
    // A delete writes history: it waits for the lock and a live account like any write.
    return this.ownersWrite(
      caller,
      async () => {
        const [record] = await this.store.get(scope, [id]);
        if (!record) throw new MemoryNotFound(id);
        const memory = toMemory(record, scope.model);
        if (!applies(memory)) return false;
        await this.history.record(caller, memory, change.event, change.cause);
        await this.deleteIn(caller, space, [id]);
        await this.sessions.forgetMemories(caller, [memory]);
        return true;
      },
      'remove',
    );
  }

  /**
   * Takes back memories stored moments ago (an import or extraction that failed midway, even one
   * refused because the account was disabled meanwhile); unknown ids are no error. For a deleted
   * account there is nothing left to take back.
   */
  async removeMany(caller: Caller, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.exclusiveWrite(caller.userId, async () => {
      if ((await this.directory.standing(accountOfSpace(caller.userId))) === 'gone') return;
      await this.deleteIn(caller, await this.spaces.of(caller.userId), ids);
    });
  }

  private async deleteIn(caller: Caller, space: UserSpace, ids: string[]): Promise<void> {
    const scope = this.scopeIn(caller, space.serving.space);
    await this.lexical.write(scope, { delete: ids }, async () => {
      await this.store.delete(scope, ids);
      if (space.target) await this.store.delete(this.scopeIn(caller, space.target.space), ids);
    });
    await this.searchCache.invalidate(caller.userId);
  }

  list(caller: Caller, query: ListQuery): Promise<MemoryPage> {
    return this.metrics.countOperation('list', () => this.page(caller, query));
  }

  /**
   * A page in id order, from the keyword index's copies of the records (no Chroma round trip).
   * The cursor is the last id shown: a delete or an add between pages neither skips nor repeats
   * a memory, and every replica reads the same cursor the same way.
   */
  private async page(caller: Caller, query: ListQuery): Promise<MemoryPage> {
    const scope = await this.servingScope(caller);
    if (query.conversationId) return this.conversationPage(scope, query, query.conversationId);
    const after = query.cursor ? decodeCursor(query.cursor, isKeyCursor).k : undefined;
    const filter = toVectorFilter(listFilter(query), query);
    const now = Date.now();
    const { records, more } = await this.lexical.page(scope, {
      after,
      limit: query.limit,
      // Expired ones not yet swept are left out too.
      matches: (metadata) => matchesFilter(metadata, filter) && !isRecordExpired(metadata, now),
    });
    const items = records.map((record) => toMemory(record, scope.model));
    const last = items[items.length - 1];
    return { items, nextCursor: more && last ? encodeCursor({ k: last.id }) : null };
  }

  /**
   * A page of one conversation in the order its memories occurred (occurredAt, then id); the
   * cursor is the last one's place, so adds and deletes between pages neither skip nor repeat.
   */
  private async conversationPage(
    scope: VectorScope,
    query: ListQuery,
    conversationId: string,
  ): Promise<MemoryPage> {
    const cursor = query.cursor ? decodeCursor(query.cursor, isConversationCursor) : undefined;
    const filter = toVectorFilter(listFilter(query), query);
    const now = Date.now();
    const items: Memory[] = [];
    const chunk = Math.max(100, query.limit * 2);
    let after = cursor ? { at: cursor.t, id: cursor.k } : undefined;
    for (;;) {
      const rows = await this.lexical.conversation(scope, conversationId, after, chunk);
      for (const row of rows) {
        if (!matchesFilter(row.metadata, filter) || isRecordExpired(row.metadata, now)) continue;
        if (items.length === query.limit) {
          const last = items[items.length - 1]!;
          return {
            items,
            nextCursor: encodeCursor({ k: last.id, t: Date.parse(last.occurredAt) }),
          };
        }
        items.push(toMemory(row, scope.model));
      }
      if (rows.length < chunk) return { items, nextCursor: null };
      const last = rows[rows.length - 1]!;
      after = { at: last.at, id: last.id };
    }
  }

  async search(caller: Caller, search: MemorySearch): Promise<ScoredMemory[]> {
    return (await this.searchWithReport(caller, search)).results;
  }

  /** The results and whether a reranker reordered them. */
  searchWithReport(caller: Caller, search: MemorySearch): Promise<SearchOutcome> {
    return this.metrics.countOperation('search', async () => {
      const space = await this.spaces.of(caller.userId);
      const scope = this.scopeIn(caller, space.serving.space);
      // The resolved mode is part of the cache key: a default changed by a restart never
      // serves results ranked the old way.
      const resolved = { ...search, mode: this.retriever.modeOf(search) };
      // Keyed by the user's shared change count too: a restore by the CLI (another process,
      // whose cache clear never reaches this one) or by another replica leaves nothing stale.
      const changes = () => this.lexical.changes(caller.userId);
      const outcome = await this.searchCache.getOrSearch(
        { userId: caller.userId, model: scope.model, changes },
        resolved,
        () => this.retriever.search(scope, resolved, space.serving),
        (outcome) => outcome.rerank.status !== 'failed',
      );
      // A cached answer may hold a memory that expired since it was cached.
      return { ...outcome, results: outcome.results.filter((memory) => !isExpired(memory)) };
    });
  }

  /** How many memories a memory space (an account's own, or a subject's) holds now. */
  async count(space: string): Promise<number> {
    const serving = (await this.spaces.of(space)).serving.space;
    return this.store.count({ userId: space, model: serving.model, dimension: serving.dimension });
  }

  private async servingScope(caller: Caller): Promise<VectorScope> {
    return this.scopeIn(caller, (await this.spaces.of(caller.userId)).serving.space);
  }

  private scopeIn(caller: Caller, space: { model: string; dimension: number }): VectorScope {
    return { userId: caller.userId, model: space.model, dimension: space.dimension };
  }

  /** A change made while a re-embedding copies the user: the copy gets it too. */
  private async copyToTarget(
    caller: Caller,
    space: UserSpace,
    memory: Memory,
    previous: Metadata,
  ): Promise<void> {
    const target = this.scopeIn(caller, space.target!.space);
    const [embedding] = await UserSpaces.embedderOf(space.target!).embed([memory.content]);
    await this.store.upsert(target, [
      {
        id: memory.id,
        document: memory.content,
        embedding: embedding!,
        metadata: toRecordMetadata(memory, previous),
      },
    ]);
  }

  /**
   * The stored memories with these content hashes: from the keyword index's copies when it is in
   * step (no round trip), else from Chroma.
   */
  private async findByHashes(scope: VectorScope, hashes: string[]): Promise<Map<string, Memory>> {
    const unique = [...new Set(hashes)];
    if (unique.length === 0) return new Map();
    const records =
      (await this.lexical.withContentHashes(scope, unique)) ??
      (await this.store.find(
        scope,
        { contentHash: { $in: unique } },
        { limit: unique.length, offset: 0 },
      ));
    return new Map(
      records.map((record) => [String(record.metadata.contentHash), toMemory(record, scope.model)]),
    );
  }

  /** Vectors in the serving space: an import's own where it brought valid ones, else embedded. */
  private async embeddingsFor(
    space: UserSpace,
    inputs: Array<NewMemory | ImportedMemory>,
  ): Promise<number[][]> {
    const missing = inputs.flatMap((input, index) =>
      'embedding' in input && input.embedding ? [] : [index],
    );
    const embedded = missing.length
      ? await UserSpaces.embedderOf(space.serving).embed(missing.map((i) => inputs[i]!.content))
      : [];
    const byIndex = new Map(missing.map((index, i) => [index, embedded[i]!]));
    return inputs.map((input, index) => byIndex.get(index) ?? (input as ImportedMemory).embedding!);
  }

  private newMemory(
    input: NewMemory | ImportedMemory,
    hash: string,
    now: string,
    model: string,
  ): Memory {
    const imported = 'id' in input ? input : undefined;
    return {
      id: imported?.id ?? randomUUID(),
      content: input.content,
      type: input.type,
      metadata: input.metadata ?? {},
      tags: [...new Set(input.tags ?? [])].sort(),
      sessionId: input.sessionId ?? null,
      conversationId: input.conversationId ?? null,
      occurredAt: input.occurredAt
        ? new Date(input.occurredAt).toISOString()
        : (imported?.createdAt ?? now),
      contentHash: hash,
      createdAt: imported?.createdAt ?? now,
      updatedAt: imported?.updatedAt ?? now,
      embeddingModel: model,
      status: imported?.status ?? 'current',
      supersededBy: imported?.supersededBy ?? null,
      expiresAt: expiryOf(input) ?? null,
      pinned: input.pinned ?? false,
    };
  }
}

/**
 * A pinned memory's time never runs out; one unpinned after its expiry had passed was pinned when
 * that moment came, so the elapsed expiry is dropped rather than making it vanish at once.
 */
function expiryAfterPinChange(current: Memory, patch: MemoryPatch): string | null {
  const unpinned = current.pinned && patch.pinned === false;
  const elapsed = current.expiresAt !== null && Date.parse(current.expiresAt) <= Date.now();
  return unpinned && elapsed ? null : current.expiresAt;
}

/**
 * Whether a patched memory holds exactly what the current one does (updatedAt aside): every field
 * is compared, so a field added later cannot be forgotten here; metadata in any key order.
 */
function sameStoredFields(current: Memory, updated: Memory): boolean {
  const comparable = (memory: Memory) =>
    JSON.stringify({ ...memory, updatedAt: undefined, metadata: sortedEntries(memory.metadata) });
  return comparable(current) === comparable(updated);
}

function sortedEntries(record: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The filter a list query asks for (its one tag as a list of tags). */
function listFilter(query: ListQuery): MemoryFilter {
  const { type, sessionId, tag, occurredAfter, occurredBefore } = query;
  return { type, sessionId, tags: tag ? [tag] : undefined, occurredAfter, occurredBefore };
}
