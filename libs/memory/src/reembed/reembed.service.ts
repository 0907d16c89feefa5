import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { Conflict } from '@memory-system/core';
import { type EmbeddingSpace, sameSpace, SpaceEmbedders } from '@memory-system/inference';
import { LEXICAL_GENERATION, LexicalSearch } from '@memory-system/retrieval';
import { LOCKS, StateStore } from '@memory-system/state';
import {
  type CollectionInfo,
  collectionNameForHash,
  SPACE_TAG,
  scanIds,
  type StoredRecord,
  userHashOfCollection,
  VectorStore,
} from '@memory-system/vector';
import { MARKER_CACHE_MS, SPACES, type SpaceMarker, UserSpaces } from '../spaces/user-spaces.js';
import { withoutImpliedKeys } from '../domain/memory-record.mapper.js';
import { subjectHomes, usersAndSubjects } from '../subjects/subject-spaces.js';

export type ReembedProgress = (event: { phase: string; done: number; total?: number }) => void;

export interface ReembedReport {
  model: string;
  dimension: number;
  /** Accounts whose own memories moved. */
  users: number;
  /** Subjects (end users an account's keys act for) whose memories moved. */
  subjects: number;
  memories: number;
  droppedCollections: number;
  /** Users and subjects erased while the run moved them: skipped, nothing of theirs kept. */
  erased: number;
}

/** Where a re-embedding stands, for GET /api/v1/admin/reembed and a resumed run. */
export interface ReembedStatus {
  state: 'idle' | 'running' | 'done' | 'failed';
  target?: EmbeddingSpace;
  users?: { done: number; total: number };
  subjects?: { done: number; total: number };
  memories?: { done: number; total: number };
  /** Users and subjects erased while the run moved them (skipped). */
  erased?: number;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
}

const LOCK_ID = 'reembed';
const LOCK_TTL_MS = 60 * 60 * 1000;
const STATUS = 'reembed-status';
/** Per source collection: how far its copy got, so a rerun after a crash resumes near there. */
const CURSORS = 'reembed-cursor';

/** A source's copy: ids copied so far, and whether the copy finished (older runs saved a bare number). */
type Cursor = { position: number; complete?: boolean } | number;
/** Records re-embedded and written per call. */
const PAGE = 500;
/** Ids listed per read (as backups do). */
const ID_BLOCK = 10_000;
/** A reconciliation pass that still finds differences is repeated, at most this often. */
const MAX_PASSES = 5;

/**
 * Moves every user's memories into the configured embedding space, online. Per user: mark them
 * as migrating (from then on every write goes to both spaces), copy every record re-embedded in
 * pages, compare both copies until they agree (a write racing a page is caught here), switch the
 * user to the new space, wait until every replica has seen the switch, drop the old collection.
 * Searches answer from the old space until the switch. A crash leaves the markers in place
 * (writes keep going to both); running it again resumes.
 */
@Injectable()
export class ReembedService {
  private readonly logger = new Logger(ReembedService.name);

  constructor(
    private readonly vectors: VectorStore,
    private readonly state: StateStore,
    private readonly embedders: SpaceEmbedders,
    private readonly spaces: UserSpaces,
    private readonly lexical: LexicalSearch,
  ) {}

  status(): Promise<ReembedStatus> {
    return this.state.get<ReembedStatus>(STATUS, 'current').then((s) => s ?? { state: 'idle' });
  }

  /** Takes the lock (409 when a re-embedding already runs anywhere), then runs to the end. */
  async run(progress: ReembedProgress = () => undefined): Promise<ReembedReport> {
    await this.lock();
    try {
      return await this.runLocked(progress);
    } finally {
      await this.state.delete(LOCKS, LOCK_ID);
    }
  }

  /** Takes the lock, then runs in the background; the status says how it goes. */
  async start(): Promise<ReembedStatus> {
    await this.lock();
    void this.runLocked(() => undefined)
      .catch(() => undefined)
      .finally(() => this.state.delete(LOCKS, LOCK_ID));
    return { state: 'running', target: await this.embedders.current.space() };
  }

  private async lock(): Promise<void> {
    const holder = { host: hostname(), pid: process.pid, since: new Date().toISOString() };
    if (!(await this.state.insert(LOCKS, LOCK_ID, holder, { ttlMs: LOCK_TTL_MS }))) {
      const current = await this.state.get<typeof holder>(LOCKS, LOCK_ID);
      throw new Conflict(
        `A re-embedding is already running (on ${current?.host ?? 'another replica'} since ${current?.since ?? 'recently'}).`,
      );
    }
  }

  private async runLocked(progress: ReembedProgress): Promise<ReembedReport> {
    const target = await this.embedders.current.space();
    const startedAt = new Date().toISOString();
    const plan = this.plan(await this.vectors.listCollections(), target);
    const total = plan.reduce((n, user) => n + user.sources.reduce((m, s) => m + s.count, 0), 0);
    // Each home is moved alike; the report tells accounts' own from their subjects' (a shared
    // home counts the subjects that live in it).
    const homes = plan.length ? await subjectHomes(this.state) : new Map<string, number>();
    const spaces = { users: { done: 0, total: 0 }, subjects: { done: 0, total: 0 } };
    const kindOf = (user: { hash: string }) => {
      const subjects = homes.get(user.hash);
      return subjects === undefined
        ? { counts: spaces.users, weight: 1 }
        : { counts: spaces.subjects, weight: subjects };
    };
    for (const user of plan) {
      const { counts, weight } = kindOf(user);
      counts.total += weight;
    }
    const planned = { users: spaces.users.total, subjects: spaces.subjects.total };
    let done = 0;
    let erased = 0;
    let dropped = 0;
    const status = (state: ReembedStatus['state'], extra: Partial<ReembedStatus> = {}) =>
      this.state.put<ReembedStatus>(STATUS, 'current', {
        state,
        target,
        users: { ...spaces.users },
        subjects: { ...spaces.subjects },
        memories: { done, total },
        erased,
        startedAt,
        ...extra,
      });
    this.logger.log(
      `Re-embedding ${total} memories of ${usersAndSubjects(planned)} into ${target.model}/${target.dimension}`,
    );
    await status('running');
    try {
      for (const user of plan) {
        const served = await this.servedSpace(user);
        // The served source first: once it is moved and switched, the others only add to it.
        const sources = [...user.sources].sort(
          (a, b) => Number(sameSpace(b, served)) - Number(sameSpace(a, served)),
        );
        let wasErased = false;
        for (const source of sources) {
          // Progress counts each source as it was planned: writes meanwhile move neither end.
          let counted = 0;
          const advance = (n: number) => {
            const step = Math.min(n, source.count - counted);
            counted += step;
            done += step;
            progress({ phase: 'reembed', done, total });
          };
          const moved = await this.moveThenDrop(source, () =>
            sameSpace(source, served)
              ? this.migrate(
                  user.hash,
                  source,
                  target,
                  user.targetCount,
                  advance,
                  homes.has(user.hash),
                )
              : this.salvage(user.hash, source, target, advance),
          );
          advance(source.count - counted);
          if (!moved) {
            wasErased = true;
            break;
          }
          dropped++;
          await this.sourceDropped(user.hash, source, target);
        }
        if (wasErased) {
          await this.forget(user.hash, user.sources, target);
          erased++;
        } else {
          const { counts, weight } = kindOf(user);
          counts.done += weight;
        }
        await status('running');
      }
      await status('done', { finishedAt: new Date().toISOString() });
    } catch (error) {
      await status('failed', { error: (error as Error).message }).catch(() => undefined);
      this.logger.error(
        `Re-embedding stopped: ${(error as Error).message}; run it again to resume`,
      );
      throw error;
    }
    this.logger.log(`Re-embedded ${done} memories of ${usersAndSubjects(planned)}`);
    return {
      ...target,
      ...planned,
      memories: done,
      droppedCollections: dropped,
      erased,
    };
  }

  /** Every user with a collection in another space, with their sources, largest first. */
  private plan(collections: CollectionInfo[], target: EmbeddingSpace) {
    const users = new Map<
      string,
      { hash: string; sources: CollectionInfo[]; targetCount: number }
    >();
    for (const c of collections) {
      const hash = userHashOfCollection(c.name);
      if (!hash) continue;
      const user = users.get(hash) ?? { hash, sources: [], targetCount: 0 };
      if (sameSpace(c, target)) user.targetCount = c.count;
      else user.sources.push(c);
      users.set(hash, user);
    }
    const size = (user: { sources: CollectionInfo[] }) =>
      user.sources.reduce((n, s) => n + s.count, 0);
    return [...users.values()]
      .filter((user) => user.sources.length > 0)
      .map((user) => ({ ...user, sources: user.sources.sort((a, b) => b.count - a.count) }))
      .sort((a, b) => size(b) - size(a));
  }

  /**
   * The space the user's searches read now: their marker's, else the target when it holds their
   * memories, else (as start-up detection decides) their largest source.
   */
  private async servedSpace(user: {
    hash: string;
    sources: CollectionInfo[];
    targetCount: number;
  }): Promise<EmbeddingSpace> {
    const marker = await this.state.get<SpaceMarker>(SPACES, user.hash);
    if (marker) return marker.serving;
    const [largest] = user.sources;
    if (user.targetCount > 0 || !largest) return await this.embedders.current.space();
    return { model: largest.model, dimension: largest.dimension };
  }

  /** The collection the user is served from: moved online, then the user switched to the target. */
  private async migrate(
    hash: string,
    source: CollectionInfo,
    target: EmbeddingSpace,
    targetCountBefore: number,
    advance: (n: number) => void,
    shared: boolean,
  ): Promise<void> {
    const serving = { model: source.model, dimension: source.dimension };
    const targetName = collectionNameForHash(hash, target);
    if (source.count > 0) {
      // From here every write of this user goes to both spaces; wait until all replicas know.
      await this.spaces.setMarker(hash, { serving, target });
      await sleep(2 * MARKER_CACHE_MS);
      // Every write of the user moves this generation on (see LexicalSearch).
      const writesBefore = await this.state.get<number>(LEXICAL_GENERATION, hash);
      const resumed = await this.copy(source, advance, (records) =>
        this.write(target, targetName, records),
      );
      const raced = (await this.state.get<number>(LEXICAL_GENERATION, hash)) !== writesBefore;
      // A whole copy that no write raced is the source: nothing to reconcile. A shared home's
      // writes move its subjects' generations, not its own, so it is always reconciled (which
      // also prunes what a subject's erasure meanwhile removed from the source).
      if (resumed || raced || shared) {
        // A target that held records before is not ours to prune.
        await this.reconcile(source.name, target, targetName, targetCountBefore === 0);
      }
      await this.spaces.setMarker(hash, { serving: target });
      // Replicas that still read the old marker write to both spaces; let them catch up.
      await sleep(2 * MARKER_CACHE_MS);
    } else {
      advance(source.count);
    }
  }

  /**
   * A collection the user is not served from (memories written while another model was
   * configured; or the served one, after a run that died between the switch and the drop). Its
   * records join the target only where the target has no record of that id: the target's are
   * newer. A copy that already finished (the crash case) is not repeated, or it would bring back
   * memories deleted since.
   */
  private async salvage(
    hash: string,
    source: CollectionInfo,
    target: EmbeddingSpace,
    advance: (n: number) => void,
  ): Promise<void> {
    const targetName = collectionNameForHash(hash, target);
    // Whose keyword indexes change: the user's, or in a shared home its subjects' (their tags).
    const owners = new Set<string>();
    await this.copy(source, advance, async (records) => {
      const present = new Set(
        (
          await this.vectors.readEntries(
            targetName,
            records.map((r) => r.id),
          )
        ).map((r) => r.id),
      );
      const missing = records.filter((record) => !present.has(record.id));
      await this.write(target, targetName, missing);
      for (const record of missing) {
        const tag = record.metadata[SPACE_TAG];
        owners.add(typeof tag === 'string' ? tag : hash);
      }
    });
    // Chroma changed behind the keyword index: every replica rebuilds these owners'.
    for (const owner of owners) await this.lexical.changedElsewhere(owner);
  }

  /**
   * Moves one source, then drops it; false when the user was erased meanwhile, on this replica or
   * another: their source vanished under the copy, or before we came to drop it.
   */
  private async moveThenDrop(source: CollectionInfo, move: () => Promise<void>): Promise<boolean> {
    try {
      await move();
      if (!(await this.vectors.hasCollection(source.name))) return false;
      await this.vectors.dropCollection(source.name);
      return true;
    } catch (error) {
      if (await this.vectors.hasCollection(source.name)) throw error;
      return false;
    }
  }

  /** After a source is dropped: its cursor goes, and a marker that says nothing more. */
  private async sourceDropped(
    hash: string,
    source: CollectionInfo,
    target: EmbeddingSpace,
  ): Promise<void> {
    await this.state.delete(CURSORS, source.name);
    const now = await this.state.get<SpaceMarker>(SPACES, hash);
    if (now && sameSpace(now.serving, target)) await this.spaces.setMarker(hash, undefined);
  }

  /**
   * A user erased while we moved them: what the run wrote after the erasure (a page read before
   * it) goes too, with the marker and cursors, so nothing of theirs is left anywhere.
   */
  private async forget(
    hash: string,
    sources: CollectionInfo[],
    target: EmbeddingSpace,
  ): Promise<void> {
    const names = [collectionNameForHash(hash, target), ...sources.map((s) => s.name)];
    for (const name of names) {
      await this.vectors.dropCollection(name);
      await this.state.delete(CURSORS, name);
    }
    await this.spaces.setMarker(hash, undefined);
    this.logger.warn(`A user or subject (${hash}) was erased while being re-embedded: skipped`);
  }

  /**
   * Feeds every record of the source to `write`, page by page, saving how far it got; a finished
   * copy is not repeated. Returns whether an earlier run had started it.
   */
  private async copy(
    source: CollectionInfo,
    advance: (n: number) => void,
    write: (records: StoredRecord[]) => Promise<void>,
  ): Promise<boolean> {
    const saved = await this.state.get<Cursor>(CURSORS, source.name);
    const cursor = typeof saved === 'number' ? { position: saved } : saved;
    if (cursor?.complete) {
      advance(source.count);
      return true;
    }
    // A rerun starts near where the last one stopped; reconciliation catches anything skipped.
    const resumeAt = cursor?.position ?? 0;
    if (resumeAt > 0) advance(Math.min(resumeAt, source.count));
    let position = resumeAt;
    for await (const ids of this.ids(source.name, resumeAt)) {
      for (const chunk of chunks(ids, PAGE)) {
        await write(await this.vectors.readEntries(source.name, chunk));
        advance(chunk.length);
      }
      position += ids.length;
      await this.state.put<Cursor>(CURSORS, source.name, { position });
    }
    await this.state.put<Cursor>(CURSORS, source.name, { position, complete: true });
    return resumeAt > 0;
  }

  /**
   * Compares both copies record by record (document and last change) and fixes the target, until a
   * pass finds nothing to fix: a write that raced a copied page reached both spaces, so once the
   * copy agrees with the source it stays in step.
   */
  private async reconcile(
    sourceName: string,
    target: EmbeddingSpace,
    targetName: string,
    prune: boolean,
  ): Promise<void> {
    for (let pass = 1; pass <= MAX_PASSES; pass++) {
      let fixed = 0;
      for await (const ids of this.ids(sourceName)) {
        for (const chunk of chunks(ids, PAGE)) {
          const [records, copies] = await Promise.all([
            this.vectors.readEntries(sourceName, chunk),
            this.vectors.readEntries(targetName, chunk),
          ]);
          const byId = new Map(copies.map((r) => [r.id, r]));
          const stale = records.filter((record) => {
            const copy = byId.get(record.id);
            return (
              !copy ||
              copy.document !== record.document ||
              copy.metadata.updatedAt !== record.metadata.updatedAt
            );
          });
          await this.write(target, targetName, stale);
          fixed += stale.length;
        }
      }
      if (prune) {
        for await (const ids of this.ids(targetName)) {
          for (const chunk of chunks(ids, PAGE)) {
            const present = new Set(
              (await this.vectors.readEntries(sourceName, chunk)).map((r) => r.id),
            );
            const gone = chunk.filter((id) => !present.has(id));
            await this.vectors.deleteRecords(targetName, gone);
            fixed += gone.length;
          }
        }
      }
      if (fixed === 0) return;
      this.logger.log(`Re-embedding pass ${pass} fixed ${fixed} records that changed meanwhile`);
    }
  }

  /** A collection's ids in large blocks: Chroma scans up to the offset for every read. */
  private ids(name: string, from = 0): AsyncIterable<string[]> {
    return scanIds((offset, limit) => this.vectors.readIds(name, { offset, limit }), {
      block: ID_BLOCK,
      overlap: 1000,
      from,
    });
  }

  private async write(
    target: EmbeddingSpace,
    targetName: string,
    records: StoredRecord[],
  ): Promise<void> {
    if (records.length === 0) return;
    const embeddings = await this.embedders.current.embed(records.map((r) => r.document));
    await this.vectors.writeCollection(
      { name: targetName, ...target },
      records.map((record, i) => ({
        ...record,
        embedding: embeddings[i]!,
        metadata: withoutImpliedKeys(record.metadata),
      })),
    );
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
