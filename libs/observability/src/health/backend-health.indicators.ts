import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ChatModel, Embedder, Reranker } from '@memory-system/inference';
import { StateStore } from '@memory-system/state';
import { VectorStore } from '@memory-system/vector';

const PROBE_TIMEOUT_MS = 3000;

interface ProbeResult {
  ok: boolean;
  latencyMs: number;
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
    return { ok: false, latencyMs: elapsed(), error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class BackendHealthIndicators {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly store: VectorStore,
    private readonly embedderPort: Embedder,
    private readonly chatModel: ChatModel,
    private readonly state: StateStore,
    private readonly reranker: Reranker,
  ) {}

  /** Only a configured reranker is probed; without one, searches are not reranked, not down. */
  async rerank(key = 'reranker') {
    const indicator = this.indicators.check(key);
    if (!this.reranker.available) return indicator.up({ configured: false });
    const { ok, ...details } = await probe(() => this.reranker.ping());
    return ok
      ? indicator.up({ configured: true, ...details })
      : indicator.down({ configured: true, ...details });
  }

  async stateStore(key = 'state') {
    const indicator = this.indicators.check(key);
    const { ok, ...details } = await probe(() => this.state.ping());
    return ok ? indicator.up(details) : indicator.down(details);
  }

  /** Only a configured chat model is probed; without one, insights are off, not down. */
  async chat(key = 'chat') {
    const indicator = this.indicators.check(key);
    if (!this.chatModel.available) return indicator.up({ configured: false });
    const { ok, ...details } = await probe(() => this.chatModel.ping());
    return ok
      ? indicator.up({ configured: true, ...details })
      : indicator.down({ configured: true, ...details });
  }

  async chroma(key = 'chroma') {
    const indicator = this.indicators.check(key);
    const { ok, ...details } = await probe(() => this.store.heartbeat());
    return ok ? indicator.up(details) : indicator.down(details);
  }

  /** The local embedder is part of this process; only a remote one is probed. */
  async embedder(key = 'embedder') {
    const indicator = this.indicators.check(key);
    if (this.embedderPort.kind === 'local') return indicator.up({ kind: 'local' });
    const { ok, ...details } = await probe(() => this.embedderPort.ping());
    return ok
      ? indicator.up({ kind: 'remote', ...details })
      : indicator.down({ kind: 'remote', ...details });
  }
}
