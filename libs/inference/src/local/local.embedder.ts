import { Injectable } from '@nestjs/common';
import type { Embedder, EmbeddingSpace } from '../embedder.port.js';
import { tokenize } from '@memory-system/core';

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
const STOP_WORD = 0.1;

/** Words so common in English that sharing them says little about a topic. */
const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can do does for from has have he her his how i if in into ' +
    'is it its me my no not of on or our she so that the their them they this to was we were what ' +
    'when where which who why will with you your'
  ).split(' '),
);

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
    const features = new Map<string, { weight: number; count: number }>();
    const add = (feature: string, weight: number) => {
      const seen = features.get(feature);
      if (seen) seen.count++;
      else features.set(feature, { weight, count: 1 });
    };

    const words = tokenize(text);
    words.forEach((word, i) => {
      const stop = STOP_WORDS.has(word);
      add(`w:${word}`, stop ? STOP_WORD : WORD);
      if (i > 0) add(`b:${words[i - 1]} ${word}`, BIGRAM);
      if (stop) return;
      const padded = `<${word}>`;
      for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, TRIGRAM);
    });

    const vector = new Array<number>(this.dimension).fill(0);
    for (const [feature, { weight, count }] of features) {
      const hash = fnv1a(feature);
      const sign = hash & 0x80000000 ? -1 : 1;
      // Sub-linear in repetitions: a word said five times is not five times as telling.
      vector[hash % this.dimension]! += sign * weight * (1 + Math.log(count));
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
