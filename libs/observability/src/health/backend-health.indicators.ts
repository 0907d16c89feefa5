import { Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { BackendMisconfigured, StartupWork } from '@memory-system/core';
import { ChatModel, Embedder, Reranker } from '@memory-system/inference';
import { UserSpaces } from '@memory-system/memory';
import { StateStore } from '@memory-system/state';
import { VectorStore } from '@memory-system/vector';

const PROBE_TIMEOUT_MS = 3000;

interface ProbeResult {
  ok: boolean;
  latencyMs: number;
  /** Why it is down, in words that hold no internal detail (the health routes are public). */
  reason?: 'timeout' | 'error' | 'misconfigured';
  /** The error itself: logged, never answered. */
  error?: string;
}

/** Runs one backend check with a short deadline of its own, so /health never hangs. */
async function probe(check: () => Promise<void>): Promise<ProbeResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
          PROBE_TIMEOUT_MS,
        );
      }),
    ]);
    return { ok: true, latencyMs: elapsed() };
  } catch (error) {
    const message = (error as Error).message;
    const timedOut = message.startsWith('no answer within');
    return {
      ok: false,
      latencyMs: elapsed(),
      // A server that answers but serves no model for its use (a chat model where embeddings
      // are asked for) is a setting to fix, not an outage to wait out.
      reason:
        error instanceof BackendMisconfigured ? 'misconfigured' : timedOut ? 'timeout' : 'error',
      error: message,
    };
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class BackendHealthIndicators {
  private readonly logger = new Logger(BackendHealthIndicators.name);
  /** The last error logged per backend: a backend that stays down is logged once, not per probe. */
  private readonly lastErrors = new Map<string, string | undefined>();

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly store: VectorStore,
    private readonly embedderPort: Embedder,
    private readonly chatModel: ChatModel,
    private readonly state: StateStore,
    private readonly reranker: Reranker,
    private readonly spaces: UserSpaces,
    private readonly startupWork: StartupWork,
  ) {}

  /** Start-up work still waiting for a backend (see StartupWork): not ready until done. */
  startup(key = 'startup') {
    const indicator = this.indicators.check(key);
    const pending = this.startupWork.pending;
    // Only the tasks: the backend's address is not for a public route.
    return pending.length
      ? indicator.down({ waiting: pending.map((p) => p.task) })
      : indicator.up();
  }

  /**
   * Memories waiting to be re-embedded (the embedding model or dimension changed): reported, not a
   * failure; they are served from their old space meanwhile.
   */
  async embeddingSpaces(key = 'embeddingSpaces') {
    const indicator = this.indicators.check(key);
    // Counting needs Chroma; when it is down, the chroma indicator says so already.
    const waiting = await this.spaces.waiting().catch(() => undefined);
    if (!waiting) return indicator.up({ counted: false });
    if (waiting.memories === 0) return indicator.up({ waitingMemories: 0 });
    return indicator.up({
      waitingUsers: waiting.users,
      waitingSubjects: waiting.subjects,
      waitingMemories: waiting.memories,
      models: waiting.models,
      action: 'run `npm run cli -- reembed` (or POST /api/v1/admin/reembed)',
    });
  }

  /** Probes, logs a new failure (or a recovery) once, and answers only what is safe to show. */
  private async checked(key: string, check: () => Promise<void>) {
    const { ok, error, ...details } = await probe(check);
    if (this.lastErrors.get(key) !== error) {
      if (error) this.logger.warn(`Health: ${key} is down: ${error}`);
      else if (this.lastErrors.get(key)) this.logger.log(`Health: ${key} answers again`);
      this.lastErrors.set(key, error);
    }
    return { ok, details };
  }

  /**
   * For readiness: every configured model serves what it is used for. A model server that is
   * down is not a readiness failure (keyword search and reads still work, requests get 503 with
   * Retry-After); one that serves the wrong kind of model fails every write, so it is.
   */
  async modelRoles(key = 'models') {
    const indicator = this.indicators.check(key);
    const checks = [
      ...(this.embedderPort.kind === 'remote' ? [['embedder', this.embedderPort] as const] : []),
      ...(this.chatModel.available ? [['chat', this.chatModel] as const] : []),
    ];
    const misconfigured: string[] = [];
    for (const [role, model] of checks) {
      const { details } = await this.checked(role, () => model.ping());
      if (details.reason === 'misconfigured') misconfigured.push(role);
    }
    return misconfigured.length === 0
      ? indicator.up()
      : indicator.down({
          misconfigured,
          action: 'see the log: a model server serves another kind of model',
        });
  }

  /** Only a configured reranker is probed; without one, searches are not reranked, not down. */
  async rerank(key = 'reranker') {
    const indicator = this.indicators.check(key);
    if (!this.reranker.available) return indicator.up({ configured: false });
    const { ok, details } = await this.checked(key, () => this.reranker.ping());
    return ok
      ? indicator.up({ configured: true, ...details })
      : indicator.down({ configured: true, ...details });
  }

  async stateStore(key = 'state') {
    const indicator = this.indicators.check(key);
    const { ok, details } = await this.checked(key, () => this.state.ping());
    return ok ? indicator.up(details) : indicator.down(details);
  }

  /** Only a configured chat model is probed; without one, insights are off, not down. */
  async chat(key = 'chat') {
    const indicator = this.indicators.check(key);
    if (!this.chatModel.available) return indicator.up({ configured: false });
    const { ok, details } = await this.checked(key, () => this.chatModel.ping());
    return ok
      ? indicator.up({ configured: true, ...details })
      : indicator.down({ configured: true, ...details });
  }

  async chroma(key = 'chroma') {
    const indicator = this.indicators.check(key);
    const { ok, details } = await this.checked(key, () => this.store.heartbeat());
    return ok ? indicator.up(details) : indicator.down(details);
  }

  /** The local embedder is part of this process; only a remote one is probed. */
  async embedder(key = 'embedder') {
    const indicator = this.indicators.check(key);
    if (this.embedderPort.kind === 'local') return indicator.up({ kind: 'local' });
    const { ok, details } = await this.checked(key, () => this.embedderPort.ping());
    return ok
      ? indicator.up({ kind: 'remote', ...details })
      : indicator.down({ kind: 'remote', ...details });
  }
}
