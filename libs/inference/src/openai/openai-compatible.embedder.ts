import { BackendMisconfigured, vectorProblem } from '@memory-system/core';
import type { Embedder, EmbeddingSpace } from '../embedder.port.js';
import { onceUntilFailure } from '../once-until-failure.js';
import type { OpenAiCompatibleClient } from './openai-compatible.client.js';

/** Embeds through an OpenAI-compatible `/v1/embeddings` endpoint (vLLM in production). */
export class OpenAiCompatibleEmbedder implements Embedder {
  readonly kind = 'remote' as const;
  /** The configured model (or the server's first), and its dimension from one probe embedding. */
  readonly space = onceUntilFailure(() => this.resolveSpace());

  constructor(
    private readonly client: OpenAiCompatibleClient,
    private readonly settings: { model?: string; maxBatch: number },
  ) {}

  async embed(texts: string[]): Promise<number[][]> {
    const { model, dimension } = await this.space();
    return this.embedWith(model, texts, dimension);
  }

  ping(): Promise<void> {
    return this.client.probe();
  }

  private async resolveSpace(): Promise<EmbeddingSpace> {
    const model = this.settings.model ?? (await firstModel(this.client));
    const [probe] = await this.embedWith(model, ['dimension probe']);
    return { model, dimension: probe!.length };
  }

  /**
   * Sends at most VLLM_MAX_BATCH inputs per request. Every vector must have the dimension of the
   * space (the collection's): a model that changed size under the same name is refused, not stored;
   * so is a vector Chroma cannot keep (values past float32, a length that overflows or vanishes).
   */
  private async embedWith(model: string, texts: string[], dimension?: number): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += this.settings.maxBatch) {
      const chunk = texts.slice(start, start + this.settings.maxBatch);
      const response = await this.client.createEmbeddings(model, chunk);
      vectors.push(...inOrder(response.data, chunk.length));
    }
    const expected = dimension ?? vectors[0]?.length;
    const wrong = vectors.find((v) => v.length !== expected || v.length === 0);
    if (wrong) {
      throw new BackendMisconfigured(
        'vllm',
        `model ${model} returned a ${wrong.length}-dimensional vector where ${expected} were expected ` +
          '(the collection holds vectors of that size); check VLLM_EMBEDDING_MODEL',
      );
    }
    for (const vector of vectors) {
      // Stored, such a vector would turn to NaN in Chroma and make every later backup unrestorable.
      const unfit = vectorProblem(vector);
      if (unfit) {
        throw new BackendMisconfigured(
          'vllm',
          `model ${model} returned a vector that cannot be stored: it ${unfit}`,
        );
      }
    }
    return vectors;
  }
}

export async function firstModel(client: OpenAiCompatibleClient): Promise<string> {
  const [first] = await client.listModels();
  if (!first)
    throw new BackendMisconfigured('vllm', `${client.server.baseUrl}/v1/models lists no model`);
  return first.id;
}

function inOrder(data: Array<{ index: number; embedding: number[] }>, count: number): number[][] {
  if (!Array.isArray(data) || data.length !== count) {
    throw new BackendMisconfigured(
      'vllm',
      `asked for ${count} embeddings, got ${Array.isArray(data) ? data.length : 'none'}`,
    );
  }
  return [...data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
}
