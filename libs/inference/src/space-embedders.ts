import { HttpService } from '@nestjs/axios';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, Metrics } from '@memory-system/core';
import { Embedder, type EmbeddingSpace, sameSpace } from './embedder.port.js';
import { isLocalModel } from './local/local-vectors.js';
import { localEmbedder } from './local/threaded-local.embedder.js';
import { OpenAiCompatibleClient } from './openai/openai-compatible.client.js';
import { OpenAiCompatibleEmbedder } from './openai/openai-compatible.embedder.js';
import { BackendPolicy } from './resilience/backend-policy.js';

/**
 * An embedder for any vector space, not only the configured one: memories not yet re-embedded
 * are still searched in the space they were stored in. Local models are built in; another
 * remote model is asked of the configured embedding server by name (OpenAI, Ollama and TEI serve
 * several; a one-model vLLM answers an error, and such a space is searchable by keyword only).
 */
@Injectable()
export class SpaceEmbedders implements OnApplicationShutdown {
  private readonly others = new Map<string, Embedder>();

  constructor(
    readonly current: Embedder,
    private readonly config: AppConfig,
    private readonly http: HttpService,
    private readonly metrics: Metrics,
  ) {}

  async forSpace(space: EmbeddingSpace): Promise<Embedder | undefined> {
    const current = await this.current.space();
    if (sameSpace(current, space)) return this.current;
    const key = `${space.model}\u0000${space.dimension}`;
    let embedder = this.others.get(key);
    if (!embedder) {
      embedder = this.build(space);
      if (!embedder) return undefined;
      this.others.set(key, embedder);
    }
    return embedder;
  }

  /** Ends the worker threads of the other local spaces' embedders. */
  async onApplicationShutdown(): Promise<void> {
    for (const embedder of this.others.values()) {
      await (embedder as Partial<OnApplicationShutdown>).onApplicationShutdown?.();
    }
  }

  private build(space: EmbeddingSpace): Embedder | undefined {
    if (isLocalModel(space.model)) {
      return localEmbedder(space.dimension, space.model, this.config.embedding.localThreads);
    }
    const { url, apiKey, timeoutMs, maxBatch } = this.config.embedding;
    if (!url) return undefined;
    const server = { name: 'vllm-embeddings', baseUrl: url, apiKey, timeoutMs };
    const client = new OpenAiCompatibleClient(
      this.http,
      server,
      new BackendPolicy(server.name, this.config.resilience, this.metrics),
      this.metrics,
    );
    return new OpenAiCompatibleEmbedder(client, { model: space.model, maxBatch });
  }
}
