import { BackendMisconfigured } from '@memory-system/core';
import { firstModel } from '../openai/openai-compatible.embedder.js';
import type { OpenAiCompatibleClient } from '../openai/openai-compatible.client.js';
import { onceUntilFailure } from '../once-until-failure.js';
import { Reranker } from './reranker.port.js';

/** vLLM's `/v1/rerank` (Jina/Cohere shape) for cross-encoders such as BAAI/bge-reranker. */
export class OpenAiCompatibleReranker extends Reranker {
  readonly available = true;
  private readonly model = onceUntilFailure(
    async () => this.configuredModel ?? (await firstModel(this.client)),
  );

  constructor(
    private readonly client: OpenAiCompatibleClient,
    private readonly configuredModel?: string,
  ) {
    super();
  }

  async rerank(query: string, documents: string[]): Promise<number[]> {
    if (documents.length === 0) return [];
    const response = await this.client.rerank(await this.model(), query, documents);
    const scores = new Array<number>(documents.length).fill(Number.NaN);
    for (const result of Array.isArray(response?.results) ? response.results : []) {
      if (Number.isInteger(result.index) && result.index >= 0 && result.index < documents.length) {
        scores[result.index] = Number(result.relevance_score);
      }
    }
    if (scores.some((score) => !Number.isFinite(score))) {
      throw new BackendMisconfigured(
        'vllm',
        `the reranker scored ${response?.results?.length ?? 0} of ${documents.length} documents`,
      );
    }
    return scores;
  }

  ping(): Promise<void> {
    return this.client.probe();
  }
}
