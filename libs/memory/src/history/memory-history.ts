import { Injectable } from '@nestjs/common';
import type { Caller, UserDataEraser } from '@memory-system/core';
import { StateStore } from '@memory-system/state';
import type { Memory, MemoryMetadata } from '../domain/memory.js';

/** One earlier state of a memory, kept when a change replaced or removed it. */
export interface MemoryVersion {
  memoryId: string;
  /** Whose memory it is. */
  userId: string;
  /** 1 for the first version replaced, counting up. */
  version: number;
  content: string;
  type: string;
  tags: string[];
  metadata: MemoryMetadata;
  /** When the memory was first stored. */
  createdAt: string;
  /** When this version came to be (the memory's updatedAt then). */
  validFrom: string;
  /** When it stopped being current, and why. */
  replacedAt: string;
  event: 'updated' | 'deleted' | 'restored';
  /** How the change was made: by a password login or by an API key. */
  by: { via: Caller['via'] };
}

const VERSIONS = 'memory-history';
const COUNTERS = 'memory-history-seq';
/** Version numbers sort as text in the state store: zero-padded. */
const pad = (version: number) => String(version).padStart(9, '0');

/**
 * The versions a memory had, so that no change destroys anything silently: before an update or a
 * delete, the state being replaced is written here (one entry per version, numbered by a counter
 * every replica shares). Kept in the state store, so backups hold it; erased with its user.
 */
@Injectable()
export class MemoryHistory implements UserDataEraser {
  readonly name = 'memory history';

  constructor(private readonly state: StateStore) {}

  async record(caller: Caller, replaced: Memory, event: MemoryVersion['event']): Promise<void> {
    const version = await this.state.increment(COUNTERS, replaced.id);
    const entry: MemoryVersion = {
      memoryId: replaced.id,
      userId: caller.userId,
      version,
      content: replaced.content,
      type: replaced.type,
      tags: replaced.tags,
      metadata: replaced.metadata,
      createdAt: replaced.createdAt,
      validFrom: replaced.updatedAt,
      replacedAt: new Date().toISOString(),
      event,
      by: { via: caller.via },
    };
    await this.state.put(VERSIONS, `${replaced.id}:${pad(version)}`, entry, {
      owner: caller.userId,
    });
  }

  /** The memory's earlier versions, oldest first (only the caller's: another's are not there). */
  async versions(caller: Caller, memoryId: string): Promise<MemoryVersion[]> {
    const prefix = `${memoryId}:`;
    const found: MemoryVersion[] = [];
    for (let after = prefix; ;) {
      const page = await this.state.list<MemoryVersion>(VERSIONS, { limit: 200, after });
      const mine = page.filter((entry) => entry.id.startsWith(prefix));
      found.push(...mine.map((entry) => entry.value));
      if (mine.length < page.length || page.length < 200) break;
      after = page[page.length - 1]!.id;
    }
    return found.filter((version) => version.userId === caller.userId);
  }

  async eraseUserData(userId: string): Promise<void> {
    await this.state.deleteByOwner(VERSIONS, userId);
  }
}
