import { move } from 'piscina';
import { type LocalModel, localVector } from './local-vectors.js';

/** One slice of a batch for a worker thread to embed. */
export interface LocalEmbedTask {
  texts: string[];
  dimension: number;
  model: LocalModel;
}

/**
 * Runs in a worker thread of ThreadedLocalEmbedder's pool, which loads only this and the vector
 * functions (no framework: a thread starts in milliseconds): the texts' vectors one after the
 * other in one Float64Array (LocalEmbedder's very numbers), handed back without a copy.
 */
export default function embedInThread({ texts, dimension, model }: LocalEmbedTask) {
  const vectors = new Float64Array(texts.length * dimension);
  texts.forEach((text, i) => vectors.set(localVector(text, dimension, model), i * dimension));
  return move(vectors);
}
