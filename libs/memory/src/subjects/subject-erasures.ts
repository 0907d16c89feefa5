import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type Caller, Conflict, subjectOfSpace } from '@memory-system/core';
import { LOCKS, StateStore } from '@memory-system/state';
import { userHashOf } from '@memory-system/vector';

/**
 * Per subject space (by its hash: an erased subject's id stays nowhere): how often it has been
 * erased, a counter every replica bumps.
 */
const ERASURES = 'subject-erasures';
/**
 * Per subject space: present while an erasure runs, and after one cut short (a crash, a backend
 * outage) until it is finished. It names the space, so that a restart can finish it.
 */
const ERASING = 'subject-erasing';

/** An erasure's lease lives this long unless renewed: a holder that died frees it this soon. */
export const ERASURE_LEASE_MS = 60_000;
const RENEW_EVERY_MS = ERASURE_LEASE_MS / 3;

interface ErasingMark {
  since: string;
  /** The subject's space (absent on marks written before erasures could be finished at start). */
  space?: string;
}

interface LeaseHolder {
  holder: string;
  since: string;
}

/** The right to erase one subject, held by one erasure at a time on every replica. */
export interface ErasureLease {
  release(): Promise<void>;
}

const leaseId = (hash: string) => `subject-erasure:${hash}`;

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

  /**
   * Takes the subject's erasure lease (409 while another erasure of it runs, on any replica: two
   * at once would let the first one's end open the space while the second still erases), then
   * marks the space: from now on no write of a request that began before lands.
   */
  async begin(space: string): Promise<ErasureLease> {
    const hash = userHashOf(space);
    const mine: LeaseHolder = { holder: randomUUID(), since: new Date().toISOString() };
    if (!(await this.state.insert(LOCKS, leaseId(hash), mine, { ttlMs: ERASURE_LEASE_MS }))) {
      const running = await this.state.get<LeaseHolder>(LOCKS, leaseId(hash));
      throw new Conflict(
        `The subject ${JSON.stringify(subjectOfSpace(space))} is being erased already (since ${running?.since ?? 'a moment ago'}): that erasure answers when it is done; afterwards the subject is gone.`,
      );
    }
    // Renewed while the erasure runs, however long a large subject takes.
    const renewal = setInterval(() => {
      this.state
        .put(LOCKS, leaseId(hash), mine, { ttlMs: ERASURE_LEASE_MS })
        .catch(() => undefined);
    }, RENEW_EVERY_MS);
    renewal.unref();
    const lease: ErasureLease = {
      release: async () => {
        clearInterval(renewal);
        const current = await this.state.get<LeaseHolder>(LOCKS, leaseId(hash));
        if (current?.holder === mine.holder) await this.state.delete(LOCKS, leaseId(hash));
      },
    };
    try {
      const mark: ErasingMark = { since: mine.since, space };
      await this.state.put(ERASING, hash, mark);
      await this.state.increment(ERASURES, hash);
      return lease;
    } catch (error) {
      await lease.release().catch(() => undefined);
      throw error;
    }
  }

  /** Whether an erasure of the space began and has not finished (running, or cut short). */
  async unfinished(space: string): Promise<boolean> {
    return (await this.state.get(ERASING, userHashOf(space))) !== undefined;
  }

  /** The spaces of erasures begun and not finished (running elsewhere, or cut short). */
  async allUnfinished(): Promise<string[]> {
    const spaces: string[] = [];
    for (let after: string | undefined; ;) {
      const page = await this.state.list<ErasingMark>(ERASING, { limit: 500, after });
      for (const { value } of page) if (value.space) spaces.push(value.space);
      if (page.length < 500) return spaces;
      after = page.at(-1)!.id;
    }
  }

  /**
   * Frees the lease of an erasure that no process runs any more: one taken before `startedAt`,
   * when this process started. Only for a store no other replica shares: its one process knows
   * that no erasure it did not start itself is running.
   */
  async dropStaleLease(space: string, startedAt: Date): Promise<void> {
    if (this.state.shared) return;
    const id = leaseId(userHashOf(space));
    const lease = await this.state.get<LeaseHolder>(LOCKS, id);
    if (lease && Date.parse(lease.since) < startedAt.getTime()) await this.state.delete(LOCKS, id);
  }

  /** The erasure is done: requests that begin from now on may use the subject afresh. */
  async end(space: string): Promise<void> {
    await this.state.delete(ERASING, userHashOf(space));
  }
}
