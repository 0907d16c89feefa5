import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';

const FIRST_PAUSE_MS = 500;
const LONGEST_PAUSE_MS = 15_000;

/**
 * Work the service must do once at start that needs a backend (the state store, Chroma): it is
 * tried until it succeeds, with a growing pause between tries, while the process already answers
 * `/health/live`. Readiness names what is still waited for, so a late Redis keeps a replica out
 * of the load balancer instead of making it exit.
 */
@Injectable()
export class StartupWork implements OnApplicationShutdown {
  private readonly logger = new Logger('Startup');
  private readonly waiting = new Map<string, string>();
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  /** What is still waited for, by task. */
  get pending(): Array<{ task: string; waitingFor: string }> {
    return [...this.waiting].map(([task, waitingFor]) => ({ task, waitingFor }));
  }

  /**
   * Runs `work` once and resolves when that try ends: a start whose backends answer is done
   * before the app listens. If it failed, it is tried again in the background after 0.5 s, then
   * twice as long each time up to 15 s, until it succeeds; `waitingFor` names the backend in the
   * log line of each failure, and readiness stays down meanwhile.
   */
  async run(task: string, waitingFor: string, work: () => Promise<void>): Promise<void> {
    this.waiting.set(task, waitingFor);
    const attempt = async (tries: number, pause: number): Promise<void> => {
      try {
        await work();
        this.waiting.delete(task);
        if (tries > 1) this.logger.log(`${waitingFor} answers: done: ${task}`);
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn(
          `Waiting for ${waitingFor} to ${task} (try ${tries} failed: ${(error as Error).message}); ` +
            `trying again in ${pause / 1000} s`,
        );
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          void attempt(tries + 1, Math.min(pause * 2, LONGEST_PAUSE_MS));
        }, pause);
        // The server keeps the process up; a command (the CLI) is not held open by a retry.
        timer.unref();
        this.timers.add(timer);
      }
    };
    await attempt(1, FIRST_PAUSE_MS);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
  }
}
