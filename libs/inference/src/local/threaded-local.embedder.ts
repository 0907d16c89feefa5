import { availableParallelism } from 'node:os';
import type { OnApplicationShutdown } from '@nestjs/common';
import { Piscina } from 'piscina';
import { vectorProblem } from '@memory-system/core';
import type { Embedder, EmbeddingSpace } from '../embedder.port.js';
import { LocalEmbedder } from './local.embedder.js';
import type { LocalModel } from './local-vectors.js';
import type { LocalEmbedTask } from './local-embedder.worker.js';

/**
 * Fewer texts than this are embedded on the main thread: a search's one question takes about
 * 0.3 ms there, less than handing it to a thread and back.
 */
export const THREAD_MIN_TEXTS = 16;

/** LOCAL_EMBEDDING_THREADS left empty: one thread per core but the main one's, at most four. */
export function defaultLocalEmbeddingThreads(): number {
  return Math.min(4, Math.max(1, availableParallelism() - 1));
}

/** The local embedder, embedding batches in worker threads unless told none (0). */
export function localEmbedder(dimension: number, model: LocalModel, threads?: number): Embedder {
  const count = threads ?? defaultLocalEmbeddingThreads();
  return count === 0
    ? new LocalEmbedder(dimension, model)
    : new ThreadedLocalEmbedder(dimension, model, count);
}

/**
 * The local embedder with its batches embedded in worker threads. On the main thread a batch of
 * 500 memories held the event loop for about 165 ms (measured), stalling every other user's
 * request meanwhile; in a thread it also overlaps the main thread's own work for the previous
 * batch (its keyword index) and its next request. The vectors are the very numbers of
 * LocalEmbedder, which stays the one implementation; small inputs run on it directly.
 * piscina keeps the pool: a queue, threads started on demand and ended when idle, a worker's
 * error handed back as the task's rejection.
 */
export class ThreadedLocalEmbedder implements Embedder, OnApplicationShutdown {
  readonly kind = 'local' as const;
  private readonly inline: LocalEmbedder;
  private readonly pool: Piscina<LocalEmbedTask, Float64Array>;

  constructor(
    private readonly dimension: number,
    readonly model: LocalModel,
    private readonly threads: number,
  ) {
    this.inline = new LocalEmbedder(dimension, model);
    this.pool = new Piscina({
      filename: new URL('./local-embedder.worker.js', import.meta.url).href,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: 30_000,
    });
  }

  space(): Promise<EmbeddingSpace> {
    return this.inline.space();
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  async embed(texts: string[]): Promise<number[][]> {
    if (texts.length < THREAD_MIN_TEXTS) return this.inline.embed(texts);
    // One slice per thread, so a batch uses every thread the pool has.
    const size = Math.max(THREAD_MIN_TEXTS, Math.ceil(texts.length / this.threads));
    const slices: string[][] = [];
    for (let i = 0; i < texts.length; i += size) slices.push(texts.slice(i, i + size));
    const answers = await Promise.all(
      slices.map((slice) =>
        this.pool.run({ texts: slice, dimension: this.dimension, model: this.model }),
      ),
    );
    return answers.flatMap((flat) => this.split(flat));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.destroy();
  }

  private split(flat: Float64Array): number[][] {
    const vectors: number[][] = [];
    for (let start = 0; start < flat.length; start += this.dimension) {
      const vector = Array.from(flat.subarray(start, start + this.dimension));
      // Checked like any embedder's answer before it is stored.
      const unfit = vectorProblem(vector);
      if (unfit) throw new Error(`${this.model} made a vector that cannot be stored: it ${unfit}`);
      vectors.push(vector);
    }
    return vectors;
  }
}
