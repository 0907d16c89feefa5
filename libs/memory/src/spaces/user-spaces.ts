import { Injectable, Logger } from '@nestjs/common';
import { FeatureUnavailable } from '@memory-system/core';
import {
  type Embedder,
  type EmbeddingSpace,
  sameSpace,
  SpaceEmbedders,
} from '@memory-system/inference';
import { StateStore } from '@memory-system/state';
import { homeHashOf, userHashOfCollection, VectorStore } from '@memory-system/vector';
import { subjectHomes, usersAndSubjects } from '../subjects/subject-spaces.js';

/**
 * Per home (by hash: a user's own, or one its account's subjects share), when not simply the
 * configured space: where its memories are served from.
 */
export const SPACES = 'embedding-space';
/** When any process last moved a user between spaces: what /health counted before is stale. */
const MOVES = 'embedding-space-moves';

export interface SpaceMarker {
  /** The space searches read and writes go to. */
  serving: EmbeddingSpace;
  /** While a re-embedding copies the user into this space, every write goes here too. */
  target?: EmbeddingSpace;
}

/** A space with the embedder that embeds into it (undefined: this deployment cannot). */
export interface SpaceHandle {
  space: EmbeddingSpace;
  embedder?: Embedder;
}

export interface UserSpace {
  serving: SpaceHandle;
  target?: SpaceHandle;
}

/** Markers change rarely; a short cache spares a state read per request. Re-embedding waits it out. */
export const MARKER_CACHE_MS = 1000;

/**
 * Which vector space each user's memories live in. Normally the configured one; a user whose
 * memories are all in another space (the embedding model or dimension changed) keeps being
 * served from it, with that space's embedder, until `npm run cli -- reembed` moves them.
 */
/** Memories stored in an embedding space other than the configured one. */
export interface WaitingMemories {
  /** Accounts with memories waiting (their own, not their subjects'). */
  users: number;
  /** Subjects (end users an account's keys act for) with memories waiting. */
  subjects: number;
  memories: number;
  /** Their spaces, as model/dimension. */
  models: string[];
}

@Injectable()
export class UserSpaces {
  private readonly logger = new Logger(UserSpaces.name);
  private readonly cache = new Map<string, { marker?: SpaceMarker; until: number }>();
  private lastWaiting?: { value: WaitingMemories; until: number; moved: number };

  constructor(
    private readonly state: StateStore,
    private readonly embedders: SpaceEmbedders,
    private readonly vectors: VectorStore,
  ) {}

  current(): Promise<EmbeddingSpace> {
    return this.embedders.current.space();
  }

  async of(userId: string): Promise<UserSpace> {
    const marker = await this.marker(homeHashOf(userId));
    if (!marker) {
      const space = await this.current();
      return { serving: { space, embedder: this.embedders.current } };
    }
    return {
      serving: await this.handle(marker.serving),
      ...(marker.target ? { target: await this.handle(marker.target) } : {}),
    };
  }

  /** The embedder of a serving space, or a clear 503 when this deployment cannot embed into it. */
  static embedderOf(handle: SpaceHandle): Embedder {
    if (handle.embedder) return handle.embedder;
    throw new FeatureUnavailable(
      `These memories are stored in the vector space of ${handle.space.model} (${handle.space.dimension} dimensions), ` +
        'which this deployment cannot embed into: search with mode "keyword", or re-embed them ' +
        '(npm run cli -- reembed, or POST /api/v1/admin/reembed).',
    );
  }

  async marker(userHash: string): Promise<SpaceMarker | undefined> {
    const cached = this.cache.get(userHash);
    if (cached && cached.until > Date.now()) return cached.marker;
    const marker = await this.state.get<SpaceMarker>(SPACES, userHash);
    this.cache.set(userHash, { marker, until: Date.now() + MARKER_CACHE_MS });
    return marker;
  }

  async setMarker(userHash: string, marker: SpaceMarker | undefined): Promise<void> {
    if (marker) await this.state.put(SPACES, userHash, marker);
    else await this.state.delete(SPACES, userHash);
    this.cache.delete(userHash);
    // A re-embedding moved someone: every process (replicas, the CLI) counts again.
    await this.state.put(MOVES, 'latest', { at: Date.now() });
  }

  /**
   * At start-up: a user with memories only in other spaces is served from the largest of them
   * (never silently from an empty new space). Returns what waits for re-embedding.
   */
  async detectWaiting(): Promise<WaitingMemories> {
    const { waiting, byUser } = await this.scan();
    for (const { hash, spaces, others } of byUser) {
      if (others.length === spaces.length && !(await this.marker(hash))) {
        const largest = [...others].sort((a, b) => b.count - a.count)[0]!;
        await this.setMarker(hash, { serving: largest.space });
      }
    }
    if (waiting.users + waiting.subjects > 0) {
      const current = await this.current();
      this.logger.warn(
        `${waiting.memories} memories of ${usersAndSubjects(waiting)} are in another embedding space (${waiting.models.join(', ')}) ` +
          `than the configured ${current.model}/${current.dimension}: they are served from there until you ` +
          'run `npm run cli -- reembed` (or POST /api/v1/admin/reembed).',
      );
    }
    return waiting;
  }

  /**
   * What waits for re-embedding now (for /health): counted again once a minute, and at once after
   * a re-embedding in any process moved a user (one state read tells).
   */
  async waiting(): Promise<WaitingMemories> {
    const moved = (await this.state.get<{ at: number }>(MOVES, 'latest'))?.at ?? 0;
    const last = this.lastWaiting;
    if (last && last.moved === moved && last.until > Date.now()) return last.value;
    const { waiting } = await this.scan();
    this.lastWaiting = { value: waiting, until: Date.now() + 60_000, moved };
    return waiting;
  }

  /** Every user's collections in spaces other than the configured one. */
  private async scan() {
    const current = await this.current();
    const collections = new Map<string, Array<{ space: EmbeddingSpace; count: number }>>();
    for (const c of await this.vectors.listCollections()) {
      const hash = userHashOfCollection(c.name);
      if (!hash || c.count === 0) continue;
      collections.set(hash, [
        ...(collections.get(hash) ?? []),
        { space: { model: c.model, dimension: c.dimension }, count: c.count },
      ]);
    }
    const waiting: WaitingMemories = { users: 0, subjects: 0, memories: 0, models: [] };
    const models = new Set<string>();
    const byUser = [];
    for (const [hash, spaces] of collections) {
      const others = spaces.filter((s) => !sameSpace(s.space, current));
      if (others.length === 0) continue;
      for (const other of others) {
        waiting.memories += other.count;
        models.add(`${other.space.model}/${other.space.dimension}`);
      }
      byUser.push({ hash, spaces, others });
    }
    waiting.models = [...models];
    // Subjects' homes are more "users" to the collections: the registry tells them apart.
    const homes = byUser.length ? await subjectHomes(this.state) : new Map<string, number>();
    for (const { hash } of byUser) {
      const subjects = homes.get(hash);
      if (subjects === undefined) waiting.users++;
      else waiting.subjects += subjects;
    }
    return { waiting, byUser };
  }

  private async handle(space: EmbeddingSpace): Promise<SpaceHandle> {
    return { space, embedder: await this.embedders.forSpace(space) };
  }
}
