import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Embedder } from '@memory-system/inference';
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
  ) {}

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
