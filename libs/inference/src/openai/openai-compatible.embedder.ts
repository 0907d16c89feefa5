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

  /**
   * The server answers, and serves embeddings: a server that lists its models may still be a chat
   * model's vLLM, which answers no embedding, so the space (one embedding, kept once it worked)
   * is resolved too.
   */
  async ping(): Promise<void> {
    await this.client.probe();
    await this.space();
  }

  private async resolveSpace(): Promise<EmbeddingSpace> {
    const model = this.settings.model ?? (await firstModel(this.client));
    const [probe] = await this.embedWith(model, ['dimension probe']).catch((error: unknown) => {
      throw servesNoEmbeddings(error, model);
    });
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

/** A 404 for /v1/embeddings: the server runs no embedding model (vLLM serves one model a server). */
function servesNoEmbeddings(error: unknown, model: string): unknown {
  if (!(error instanceof BackendMisconfigured) || !/HTTP 404/.test(error.message)) return error;
  return new BackendMisconfigured(
    'vllm',
    `the embedding server does not serve embeddings with ${model} (${error.message}): ` +
      'VLLM_EMBEDDING_URL (or VLLM_URL) must name the server of an embedding model; a vLLM server serves one model',
  );
}
