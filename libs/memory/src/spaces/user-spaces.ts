import { Injectable, Logger } from '@nestjs/common';
import { FeatureUnavailable } from '@memory-system/core';
import {
  type Embedder,
  type EmbeddingSpace,
  sameSpace,
  SpaceEmbedders,
} from '@memory-system/inference';
import { StateStore } from '@memory-system/state';
import { userHashOf, userHashOfCollection, VectorStore } from '@memory-system/vector';

/** Per user (by hash), when not simply the configured space: where they are served from. */
export const SPACES = 'embedding-space';

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
@Injectable()
export class UserSpaces {
  private readonly logger = new Logger(UserSpaces.name);
  private readonly cache = new Map<string, { marker?: SpaceMarker; until: number }>();

  constructor(
    private readonly state: StateStore,
    private readonly embedders: SpaceEmbedders,
    private readonly vectors: VectorStore,
  ) {}

  current(): Promise<EmbeddingSpace> {
    return this.embedders.current.space();
  }

  async of(userId: string): Promise<UserSpace> {
    const marker = await this.marker(userHashOf(userId));
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
  }

  /**
   * At start-up: a user with memories only in other spaces is served from the largest of them
   * (never silently from an empty new space). Returns what waits for re-embedding.
   */
  async detectWaiting(): Promise<{ users: number; memories: number; models: string[] }> {
    const current = await this.current();
    const byUser = new Map<string, Array<{ space: EmbeddingSpace; count: number }>>();
    for (const c of await this.vectors.listCollections()) {
      const hash = userHashOfCollection(c.name);
      if (!hash || c.count === 0) continue;
      byUser.set(hash, [
        ...(byUser.get(hash) ?? []),
        { space: { model: c.model, dimension: c.dimension }, count: c.count },
      ]);
    }
    let users = 0;
    let memories = 0;
    const models = new Set<string>();
    for (const [hash, spaces] of byUser) {
      const others = spaces.filter((s) => !sameSpace(s.space, current));
      if (others.length === 0) continue;
      users++;
      for (const other of others) {
        memories += other.count;
        models.add(`${other.space.model}/${other.space.dimension}`);
      }
      if (others.length === spaces.length && !(await this.marker(hash))) {
        const largest = [...others].sort((a, b) => b.count - a.count)[0]!;
        await this.setMarker(hash, { serving: largest.space });
      }
    }
    if (users > 0) {
      this.logger.warn(
        `${memories} memories of ${users} users are in another embedding space (${[...models].join(', ')}) ` +
          `than the configured ${current.model}/${current.dimension}: they are served from there until you ` +
          'run `npm run cli -- reembed` (or POST /api/v1/admin/reembed).',
      );
    }
    return { users, memories, models: [...models] };
  }

  private async handle(space: EmbeddingSpace): Promise<SpaceHandle> {
    return { space, embedder: await this.embedders.forSpace(space) };
  }
}
