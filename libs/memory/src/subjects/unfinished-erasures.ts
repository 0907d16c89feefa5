import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { accountOfSpace, subjectOfSpace } from '@memory-system/core';
import { SubjectErasures } from './subject-erasures.js';
import { SubjectRegistry } from './subject-registry.js';

const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 60_000;

/**
 * Finishes, once the service has started, the subject erasures a crash or a backend outage cut
 * short: until then their subjects refuse every write (409), and part of their data may remain.
 * In the background, so that a slow or absent backend never holds the start; what cannot be
 * finished yet (a backend still down, another replica's erasure still running) is tried again
 * with a growing pause. The API runs it, the CLI not.
 */
@Injectable()
export class UnfinishedErasures implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SubjectErasures');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private readonly startedAt = new Date();

  constructor(
    private readonly erasures: SubjectErasures,
    private readonly subjects: SubjectRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.later(0, FIRST_RETRY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private later(delayMs: number, nextDelayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.finishAll().then((left) => {
        if (left) this.later(nextDelayMs, Math.min(nextDelayMs * 2, LONGEST_RETRY_MS));
      });
    }, delayMs);
    this.timer.unref();
  }

  /** Finishes every unfinished erasure it can; how many are left. Never throws. */
  async finishAll(): Promise<number> {
    let spaces: string[];
    try {
      spaces = await this.erasures.allUnfinished();
    } catch (error) {
      this.logger.warn(
        `Cannot look for unfinished subject erasures yet: ${(error as Error).message}`,
      );
      return 1;
    }
    let left = 0;
    for (const space of spaces) {
      if (this.stopped) break;
      const owner = accountOfSpace(space);
      const subjectId = subjectOfSpace(space);
      const subject = JSON.stringify(subjectId);
      try {
        // A lease older than this process is a dead one's (a shared store's lease may be
        // another replica's, which is left to finish it).
        await this.erasures.dropStaleLease(space, this.startedAt);
        await this.subjects.erase(owner, subjectId);
        this.logger.log(
          `Finished the erasure of subject ${subject} of account ${owner}, cut short before`,
        );
      } catch (error) {
        left++;
        this.logger.warn(
          `The erasure of subject ${subject} of account ${owner}, cut short before, is not finished yet (${(error as Error).message}); trying again later`,
        );
      }
    }
    return left;
  }
}
