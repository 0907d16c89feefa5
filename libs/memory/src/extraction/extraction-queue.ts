import { ClientGone, KeyedMutex, TooManyRequests } from '@memory-system/core';

/** What an extraction is assumed to take before one has been timed. */
const FIRST_GUESS_MS = 2_000;

/**
 * One extraction per user at a time (the second decides on what the first stored), and at most
 * `waiting()` more queued behind it: past that, 429 with a Retry-After from how long extractions
 * have taken here. A queued request whose client has gone leaves without running.
 */
export class ExtractionQueue {
  private readonly turns = new KeyedMutex();
  /** Extractions per user, running or waiting. */
  private readonly held = new Map<string, number>();
  private averageMs = FIRST_GUESS_MS;

  constructor(private readonly waiting: () => number) {}

  async run<T>(userId: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const held = this.held.get(userId) ?? 0;
    if (held > this.waiting()) {
      throw new TooManyRequests(
        `${held} of your extractions are running or waiting, the most EXTRACTION_QUEUE_PER_USER ` +
          `(${this.waiting()}) allows behind the one running: retry later.`,
        (held * this.averageMs) / 1000,
      );
    }
    this.held.set(userId, held + 1);
    try {
      return await this.turns.run(userId, async () => {
        if (signal?.aborted)
          throw new ClientGone(
            'The extraction was not started: the client left (or the account is being deleted).',
          );
        const started = performance.now();
        try {
          return await work();
        } finally {
          this.averageMs = 0.8 * this.averageMs + 0.2 * (performance.now() - started);
        }
      });
    } finally {
      const left = (this.held.get(userId) ?? 1) - 1;
      if (left > 0) this.held.set(userId, left);
      else this.held.delete(userId);
    }
  }

  /** Returns when the user's extractions queued so far have ended. */
  idle(userId: string): Promise<void> {
    return this.turns.run(userId, () => Promise.resolve());
  }
}
