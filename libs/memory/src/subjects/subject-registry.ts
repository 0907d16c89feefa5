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

const SUBJECTS = 'subjects';

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
  ) {}

  /** Notes that a request acted for the caller's subject, if it names one. */
  async touch(caller: Caller): Promise<void> {
    if (!caller.subject) return;
    const now = Date.now();
    if (now - (this.touchedAt.get(caller.userId) ?? -Infinity) < TOUCH_EVERY_MS) return;
    this.touchedAt.set(caller.userId, now);
    const known: KnownSubject = {
      id: caller.subject.id,
      lastActivityAt: new Date(now).toISOString(),
    };
    await this.state.put(SUBJECTS, caller.userId, known, { owner: caller.subject.ownerId });
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

  /** Erases everything of one subject; false when the account never acted for it. */
  async erase(ownerId: string, subjectId: string): Promise<boolean> {
    const space = subjectSpace(ownerId, subjectId);
    if (!(await this.state.get(SUBJECTS, space))) return false;
    await this.erasure.eraseAll(space);
    await this.state.delete(SUBJECTS, space);
    this.touchedAt.delete(space);
    return true;
  }

  /** An account erased: its subjects with it (a subject's own space owns no subjects). */
  async eraseUserData(userId: string): Promise<void> {
    for (const { value } of await this.state.listByOwner<KnownSubject>(SUBJECTS, userId)) {
      await this.erase(userId, value.id);
    }
  }
}
