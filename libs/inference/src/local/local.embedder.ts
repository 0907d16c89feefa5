import { Injectable } from '@nestjs/common';
import { vectorProblem } from '@memory-system/core';
import type { Embedder, EmbeddingSpace } from '../embedder.port.js';
import {
  LOCAL_MODEL_ID,
  LOCAL_MODEL_V3,
  type LocalModel,
  localVector,
  V3_MIN_HASHED_DIMENSIONS,
} from './local-vectors.js';
import { wordVectors } from './word-vectors.js';

/**
 * The embedded default embedder: offline, deterministic, no model download. v1 and v2 hash text
 * features into signed buckets and L2-normalise, so cosine similarity rises with shared words
 * and word parts: lexical, not semantic. v3 (the default) keeps v2's buckets in all but the last
 * 100 dimensions and puts a rarity-weighted mean of shipped GloVe word vectors (40,000 words,
 * 4 MB) there, weighted so that it carries V3_SEMANTIC_SHARE of the length: related words meet
 * without sharing letters. A real embedding model (VLLM_URL) still understands far more.
 * The vectors themselves are local-vectors' (see there).
 */
@Injectable()
export class LocalEmbedder implements Embedder {
  readonly kind = 'local' as const;

  constructor(
    private readonly dimension: number,
    readonly model: LocalModel = LOCAL_MODEL_ID,
  ) {
    if (model === LOCAL_MODEL_V3) {
      const least = wordVectors().dimensions + V3_MIN_HASHED_DIMENSIONS;
      if (dimension < least) {
        throw new Error(`${LOCAL_MODEL_V3} needs at least ${least} dimensions, not ${dimension}`);
      }
    }
  }

  space(): Promise<EmbeddingSpace> {
    return Promise.resolve({ model: this.model, dimension: this.dimension });
  }

  embed(texts: string[]): Promise<number[][]> {
    return Promise.resolve(
      texts.map((text) => {
        const vector = this.vectorFor(text);
        // Unit length by construction; checked like any embedder's answer before it is stored.
        const unfit = vectorProblem(vector);
        if (unfit)
          throw new Error(`${this.model} made a vector that cannot be stored: it ${unfit}`);
        return vector;
      }),
    );
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  vectorFor(text: string): number[] {
    return localVector(text, this.dimension, this.model);
  }
}
