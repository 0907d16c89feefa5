import { Injectable } from '@nestjs/common';
import {
  type Caller,
  decodeCursor,
  encodeCursor,
  isOffsetCursor,
  subjectSpace,
  type UserDataEraser,
  UserDataErasure,
} from '@memory-system/core';
import { StateStore } from '@memory-system/state';
import { SubjectErasures } from './subject-erasures.js';

/** The registry's namespace, keyed by subject space (see subject-spaces.ts). */
export const SUBJECTS = 'subjects';

/** How often one process writes a subject's lastActivityAt down (not on every request). */
const TOUCH_EVERY_MS = 30_000;

export interface KnownSubject {
  id: string;
  lastActivityAt: string;
}

/**
 * The subjects (end users) each account has acted for, in the state store under the account as
 * owner, keyed by the subject's memory space: what GET /subjects lists, DELETE /subjects erases,
 * and erasing an account erases with it.
 */
@Injectable()
export class SubjectRegistry implements UserDataEraser {
  readonly name = 'subjects';
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly state: StateStore,
    private readonly erasure: UserDataErasure,
    private readonly erasures: SubjectErasures,
  ) {}

  /**
   * A request begins to act for the caller's subject, if it names one: the subject is noted as
   * active, and the caller returned is the one to act as (it knows which erasures came before).
   */
  async enter(caller: Caller): Promise<Caller> {
    if (!caller.subject) return caller;
    await this.touch(caller, caller.subject);
    return this.erasures.stamp(caller);
  }

  private async touch(caller: Caller, subject: NonNullable<Caller['subject']>): Promise<void> {
    const now = Date.now();
    if (now - (this.touchedAt.get(caller.userId) ?? -Infinity) < TOUCH_EVERY_MS) return;
    this.touchedAt.set(caller.userId, now);
    const known: KnownSubject = {
      id: subject.id,
      lastActivityAt: new Date(now).toISOString(),
    };
    await this.state.put(SUBJECTS, caller.userId, known, { owner: subject.ownerId });
  }

  /** An account's subjects by id, a page at a time. */
  async list(
    ownerId: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ items: KnownSubject[]; nextCursor: string | null }> {
    const offset = page.cursor ? decodeCursor(page.cursor, isOffsetCursor).o : 0;
    const all = (await this.state.listByOwner<KnownSubject>(SUBJECTS, ownerId))
      .map((entry) => entry.value)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const end = offset + page.limit;
    return {
      items: all.slice(offset, end),
      nextCursor: end < all.length ? encodeCursor({ o: end }) : null,
    };
  }

  /**
   * Erases everything of one subject; false when the account never acted for it (and no erasure
   * of it is unfinished). The space is marked first, so that no write of a request already under
   * way lands after the erasure (its extractions are stopped, writes holding the lock waited for:
   * see UserDataErasure); a request that begins after the erasure uses the subject afresh. One
   * erasure of a subject runs at a time (409 to another); one cut short (a crash, a backend
   * outage) keeps the space marked until it is done again, by the same request or at the next
   * start (see UnfinishedErasures).
   */
  async erase(ownerId: string, subjectId: string): Promise<boolean> {
    const space = subjectSpace(ownerId, subjectId);
    const known = (await this.state.get(SUBJECTS, space)) !== undefined;
    if (!known && !(await this.erasures.unfinished(space))) return false;
    const lease = await this.erasures.begin(space);
    try {
      await this.erasure.eraseAll(space);
      await this.state.delete(SUBJECTS, space);
      this.touchedAt.delete(space);
      await this.erasures.end(space);
    } finally {
      await lease.release();
    }
    return true;
  }

  /** An account erased: its subjects with it (a subject's own space owns no subjects). */
  async eraseUserData(userId: string): Promise<void> {
    for (const { value } of await this.state.listByOwner<KnownSubject>(SUBJECTS, userId)) {
      await this.erase(userId, value.id);
    }
  }
}
