import { Injectable } from '@nestjs/common';
import type { Embedder, EmbeddingSpace } from '../embedder.port.js';
import { tokenize } from './tokenize.js';

export const LOCAL_MODEL_ID = 'local-hashed-ngrams-v1';

/** 32-bit FNV-1a: fast, stable across platforms and releases (vectors on disk depend on it). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Feature kinds and their weights: whole words count most, character trigrams catch variants. */
const WORD = 1.0;
const BIGRAM = 0.7;
const TRIGRAM = 0.35;

/**
 * The embedded default embedder: offline, deterministic, no model download. It hashes word
 * unigrams, word bigrams and character trigrams into a fixed number of signed buckets (the
 * "hashing trick"), damps repeated features, and L2-normalises the result, so cosine similarity
 * rises with shared words and word parts. It is lexical, not semantic: point VLLM_URL at a real
 * embedding model for meaning-level recall.
 */
@Injectable()
export class LocalEmbedder implements Embedder {
  readonly kind = 'local' as const;

  constructor(private readonly dimension: number) {}

  space(): Promise<EmbeddingSpace> {
    return Promise.resolve({ model: LOCAL_MODEL_ID, dimension: this.dimension });
  }

  embed(texts: string[]): Promise<number[][]> {
    return Promise.resolve(texts.map((text) => this.vectorFor(text)));
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  vectorFor(text: string): number[] {
    const counts = new Map<string, number>();
    const add = (feature: string, weight: number) =>
      counts.set(feature, (counts.get(feature) ?? 0) + weight);

    const words = tokenize(text);
    words.forEach((word, i) => {
      add(`w:${word}`, WORD);
      if (i > 0) add(`b:${words[i - 1]} ${word}`, BIGRAM);
      const padded = `<${word}>`;
      for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, TRIGRAM);
    });

    const vector = new Array<number>(this.dimension).fill(0);
    for (const [feature, weight] of counts) {
      const hash = fnv1a(feature);
      const sign = hash & 0x80000000 ? -1 : 1;
      vector[hash % this.dimension]! += sign * (1 + Math.log(weight));
    }
    const norm = Math.hypot(...vector);
    if (norm === 0) {
      // Text with no word characters still gets a valid, stable unit vector.
      vector[fnv1a(text) % this.dimension] = 1;
      return vector;
    }
    return vector.map((v) => v / norm);
  }
}
