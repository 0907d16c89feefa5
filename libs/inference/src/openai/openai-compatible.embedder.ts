import { Injectable } from '@nestjs/common';
import { AppConfig, BackendMisconfigured } from '@memory-system/core';
import type { Embedder, EmbeddingSpace } from '../embedder.port.js';
import { OpenAiCompatibleClient } from './openai-compatible.client.js';

const HEALTH_TIMEOUT_MS = 2000;

/** Embeds through an OpenAI-compatible `/v1/embeddings` endpoint (vLLM in production). */
@Injectable()
export class OpenAiCompatibleEmbedder implements Embedder {
  readonly kind = 'remote' as const;
  private readonly baseUrl: string;
  private resolvedSpace?: Promise<EmbeddingSpace>;

  constructor(
    private readonly client: OpenAiCompatibleClient,
    private readonly config: AppConfig,
  ) {
    if (!config.embedding.url) throw new Error('OpenAiCompatibleEmbedder needs VLLM_URL');
    this.baseUrl = config.embedding.url;
  }

  /** The configured model (or the server's first), and its dimension from one probe embedding. */
  space(): Promise<EmbeddingSpace> {
    if (!this.resolvedSpace) {
      this.resolvedSpace = this.resolveSpace();
      // A failure (server down) is not remembered: the next call tries again.
      this.resolvedSpace.catch(() => (this.resolvedSpace = undefined));
    }
    return this.resolvedSpace;
  }

  async embed(texts: string[]): Promise<number[][]> {
    const { model, dimension } = await this.space();
    return this.embedWith(model, texts, dimension);
  }

  async ping(): Promise<void> {
    await this.client.listModels(this.baseUrl, HEALTH_TIMEOUT_MS);
  }

  private async resolveSpace(): Promise<EmbeddingSpace> {
    const model = this.config.embedding.model ?? (await this.firstModel());
    const [probe] = await this.embedWith(model, ['dimension probe']);
    return { model, dimension: probe!.length };
  }

  private async firstModel(): Promise<string> {
    const [first] = await this.client.listModels(this.baseUrl);
    if (!first) {
      throw new BackendMisconfigured('vllm', `${this.baseUrl}/v1/models lists no model`);
    }
    return first.id;
  }

  /** Sends at most VLLM_MAX_BATCH inputs per request; checks every vector has the same size. */
  private async embedWith(model: string, texts: string[], dimension?: number): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += this.config.embedding.maxBatch) {
      const chunk = texts.slice(start, start + this.config.embedding.maxBatch);
      const response = await this.client.createEmbeddings(this.baseUrl, model, chunk);
      vectors.push(...this.inOrder(response.data, chunk.length));
    }
    const expected = dimension ?? vectors[0]?.length;
    const wrong = vectors.find((v) => v.length !== expected || v.length === 0);
    if (wrong) {
      throw new BackendMisconfigured(
        'vllm',
        `model ${model} returned a ${wrong.length}-dimensional vector where ${expected} were expected`,
      );
    }
    return vectors;
  }

  private inOrder(data: Array<{ index: number; embedding: number[] }>, count: number): number[][] {
    if (!Array.isArray(data) || data.length !== count) {
      throw new BackendMisconfigured(
        'vllm',
        `asked for ${count} embeddings, got ${Array.isArray(data) ? data.length : 'none'}`,
      );
    }
    return [...data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
  }
}
