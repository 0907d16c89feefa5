import { Injectable } from '@nestjs/common';
import type { Caller, UserDataEraser } from '@memory-system/core';
import { StateStore } from '@memory-system/state';
import type { Memory, MemoryMetadata, MemoryStatus } from '../domain/memory.js';

/** What replaced a version: a PATCH, a delete, a restore, or a lifecycle change. */
export type VersionEvent =
  'updated' | 'deleted' | 'restored' | 'superseded' | 'retracted' | 'expired';
/** What made the change: a request (REST, MCP, CLI), an extraction, or the expiry sweep. */
export type ChangeCause = 'request' | 'extraction' | 'expiry';

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
  status: MemoryStatus;
  supersededBy: string | null;
  expiresAt: string | null;
  pinned: boolean;
  /** Its conversation and when it was said (versions kept before these existed lack them). */
  conversationId?: string | null;
  occurredAt?: string;
  /** When the memory was first stored. */
  createdAt: string;
  /** When this version came to be (the memory's updatedAt then). */
  validFrom: string;
  /** When it stopped being current, and why. */
  replacedAt: string;
  event: VersionEvent;
  /** Who made the change (a password login, an API key, the service itself) and through what. */
  by: { via: Caller['via']; cause: ChangeCause };
  /**
   * Set on versions that came from an import file: their `by` (and times) are what the file
   * claims, which nothing here can check. When, and through what, the importer brought them in.
   */
  imported?: { at: string; via: Caller['via'] };
}

const VERSIONS = 'memory-history';
const COUNTERS = 'memory-history-seq';
/**
 * Versions are keyed by user and memory: an import keeps a memory's id, so two users can hold
 * the same id, and each numbers its own versions.
 */
const keyOf = (caller: Caller, memoryId: string) => `${caller.userId}:${memoryId}`;
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

  async record(
    caller: Caller,
    replaced: Memory,
    event: VersionEvent,
    cause: ChangeCause = 'request',
  ): Promise<void> {
    const version = await this.state.increment(COUNTERS, keyOf(caller, replaced.id));
    const entry: MemoryVersion = {
      memoryId: replaced.id,
      userId: caller.userId,
      version,
      content: replaced.content,
      type: replaced.type,
      tags: replaced.tags,
      metadata: replaced.metadata,
      status: replaced.status,
      supersededBy: replaced.supersededBy,
      expiresAt: replaced.expiresAt,
      pinned: replaced.pinned,
      conversationId: replaced.conversationId,
      occurredAt: replaced.occurredAt,
      createdAt: replaced.createdAt,
      validFrom: replaced.updatedAt,
      replacedAt: new Date().toISOString(),
      event,
      by: { via: caller.via, cause },
    };
    await this.state.put(VERSIONS, `${keyOf(caller, replaced.id)}:${pad(version)}`, entry, {
      owner: caller.userId,
    });
  }

  /**
   * Versions brought by an import, oldest first, numbered after any this memory has here (its
   * owner is the importing user, whatever the file says).
   */
  async import(
    caller: Caller,
    memoryId: string,
    versions: Array<
      Omit<MemoryVersion, 'memoryId' | 'userId' | 'imported'> & { imported?: unknown }
    >,
  ): Promise<void> {
    const imported = { at: new Date().toISOString(), via: caller.via };
    for (const { imported: _claimed, ...earlier } of versions) {
      const version = await this.state.increment(COUNTERS, keyOf(caller, memoryId));
      const entry: MemoryVersion = {
        ...earlier,
        memoryId,
        userId: caller.userId,
        version,
        imported,
      };
      await this.state.put(VERSIONS, `${keyOf(caller, memoryId)}:${pad(version)}`, entry, {
        owner: caller.userId,
      });
    }
  }

  /** The memory's earlier versions, oldest first (only the caller's: another's are not there). */
  async versions(caller: Caller, memoryId: string): Promise<MemoryVersion[]> {
    const found: MemoryVersion[] = [];
    const prefix = `${keyOf(caller, memoryId)}:`;
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
