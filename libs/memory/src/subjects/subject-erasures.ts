import { Injectable } from '@nestjs/common';
import { type Caller, Conflict } from '@memory-system/core';
import { StateStore } from '@memory-system/state';
import { userHashOf } from '@memory-system/vector';

/**
 * Per subject space (by its hash: an erased subject's id stays nowhere): how often it has been
 * erased, a counter every replica bumps.
 */
const ERASURES = 'subject-erasures';
/** Per subject space: present while an erasure runs, and after one cut short until it is redone. */
const ERASING = 'subject-erasing';

/**
 * Keeps a write that an erasure overtook out of the erased subject's space. Unlike an account a
 * subject may be used again after its erasure, so a mark alone cannot tell an old request from a
 * new one: each request notes the erasure count when it begins, and a write under the subject's
 * write lock is refused while an erasure runs or once the count has moved on.
 */
@Injectable()
export class SubjectErasures {
  constructor(private readonly state: StateStore) {}

  /** The caller with its subject's erasure count as it stands now (the request's start). */
  async stamp(caller: Caller): Promise<Caller> {
    if (!caller.subject || caller.subject.erasures !== undefined) return caller;
    const erasures = (await this.state.get<number>(ERASURES, userHashOf(caller.userId))) ?? 0;
    return { ...caller, subject: { ...caller.subject, erasures } };
  }

  /** 409 when the caller's subject is being erased, or was erased since the request began. */
  async assertNotOvertaken(caller: Caller): Promise<void> {
    if (!caller.subject) return;
    const [erasing, erasures] = await Promise.all([
      this.state.get(ERASING, userHashOf(caller.userId)),
      this.state.get<number>(ERASURES, userHashOf(caller.userId)),
    ]);
    const began = caller.subject.erasures ?? erasures;
    if (!erasing && (erasures ?? 0) === (began ?? 0)) return;
    throw new Conflict(
      `The subject ${JSON.stringify(caller.subject.id)} was erased while this request ran: nothing of it is stored. Send it again to use the subject afresh.`,
    );
  }

  /** Marks the space: from now on no write of a request that began before lands. */
  async begin(space: string): Promise<void> {
    await this.state.put(ERASING, userHashOf(space), { since: new Date().toISOString() });
    await this.state.increment(ERASURES, userHashOf(space));
  }

  /** The erasure is done: requests that begin from now on may use the subject afresh. */
  async end(space: string): Promise<void> {
    await this.state.delete(ERASING, userHashOf(space));
  }
}
