// The local embedder's vectors as plain functions, with no framework imports: LocalEmbedder
// runs them on the main thread, and its worker threads load only this.
import { stemmer } from 'stemmer';
import { isStopWord, tokenize } from '@memory-system/text';
import { wordVectors } from './word-vectors.js';
import { wordWeight } from './word-weights.js';

/** The first local model: kept exactly as it was, since vectors on disk depend on it. */
export const LOCAL_MODEL_V1 = 'local-hashed-ngrams-v1';
/** Rarity-weighted stems, stem bigrams and character n-grams. */
export const LOCAL_MODEL_V2 = 'local-weighted-ngrams-v2';
/** v2's hashed features beside a rarity-weighted mean of shipped word vectors; the default. */
export const LOCAL_MODEL_V3 = 'local-semantic-v3';
export const LOCAL_MODELS = [LOCAL_MODEL_V1, LOCAL_MODEL_V2, LOCAL_MODEL_V3] as const;
export type LocalModel = (typeof LOCAL_MODELS)[number];
/** The default local model. */
export const LOCAL_MODEL_ID: LocalModel = LOCAL_MODEL_V3;
/** v3's vectors: the word vectors' dimensions plus at least this many hashed buckets. */
export const V3_MIN_HASHED_DIMENSIONS = 128;
/**
 * v3: the share of the word-vector part in the vector's (squared) length. Measured in a
 * prototype on the recall benchmark's data: hybrid recall@10 rose from 0.6 and flattened past
 * 0.75, paraphrase questions gaining and none losing; more starts to cost exact-word matches.
 */
const V3_SEMANTIC_SHARE = 0.75;

export function isLocalModel(model: string): model is LocalModel {
  return (LOCAL_MODELS as readonly string[]).includes(model);
}

/** 32-bit FNV-1a: fast, stable across platforms and releases (vectors on disk depend on it). */
function fnv1a(text: string, basis = 0x811c9dc5): number {
  let hash = basis;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Feature name → weight, before repetitions are counted. */
type Features = Map<string, { weight: number; count: number }>;

function collector(): [Features, (feature: string, weight: number) => void] {
  const features: Features = new Map();
  return [
    features,
    (feature, weight) => {
      const seen = features.get(feature);
      if (seen) seen.count++;
      else features.set(feature, { weight, count: 1 });
    },
  ];
}

const V1_STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can do does for from has have he her his how i if in into ' +
    'is it its me my no not of on or our she so that the their them they this to was we were what ' +
    'when where which who why will with you your'
  ).split(' '),
);

/** v1: words 1.0, word bigrams 0.7, character trigrams 0.35, stop words 0.1. */
function featuresV1(text: string): Features {
  const [features, add] = collector();
  const words = tokenize(text);
  words.forEach((word, i) => {
    const stop = V1_STOP_WORDS.has(word);
    add(`w:${word}`, stop ? 0.1 : 1.0);
    if (i > 0) add(`b:${words[i - 1]} ${word}`, 0.7);
    if (stop) return;
    const padded = `<${word}>`;
    for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, 0.35);
  });
  return features;
}

/** "Caroline: ..." or "user: ...": a chat line's speaker label, up to three words. */
const SPEAKER_LABEL = /^\s*([\p{L}][\p{L}\p{N}'-]*(?:\s+[\p{L}][\p{L}\p{N}'-]*){0,2}):\s/u;
/** Rarer words weigh more, up to here: a typo or a rare name should not outweigh the rest. */
const MAX_WORD_WEIGHT = 8;
/** A speaker label weighs like a very common word: it says who, not what. */
const SPEAKER_WEIGHT = 1;

/**
 * v2: every word weighs by its rarity (see word-weights), so "what did" and "you" count little
 * beside "adoption"; a chat line's speaker label counts like a common word, since in a
 * conversation every line of that speaker carries it; stems make "researching" meet "research";
 * bigrams of neighbouring content words keep some order; character 3- and 4-grams catch other
 * forms and typos. Stop words count only in a text that has nothing else.
 */
function featuresV2(text: string): Features {
  const [features, add] = collector();
  const label = SPEAKER_LABEL.exec(text);
  if (label) {
    for (const word of tokenize(label[1]!)) add(`w:${stemmer(word)}`, SPEAKER_WEIGHT);
  }
  const words = tokenize(label ? text.slice(label[0].length) : text);
  const content = words.filter((word) => !isStopWord(word));
  const chosen = content.length > 0 ? content : words;
  let previous: { stem: string; weight: number } | undefined;
  for (const word of chosen) {
    const weight = Math.min(wordWeight(word), MAX_WORD_WEIGHT);
    const stem = stemmer(word);
    add(`w:${stem}`, weight);
    if (previous) add(`b:${previous.stem} ${stem}`, 0.5 * Math.min(previous.weight, weight));
    const padded = `<${word}>`;
    const grams: string[] = [];
    for (const n of [3, 4]) {
      for (let j = 0; j + n <= padded.length; j++) grams.push(padded.slice(j, j + n));
    }
    // The grams of one word share a fixed part of its weight, however long the word.
    for (const gram of grams) add(`c:${gram}`, (0.6 * weight) / Math.sqrt(grams.length));
    previous = { stem, weight };
  }
  return features;
}

/** Signed buckets of hashed features (the "hashing trick"), repeats damped by 1 + ln count. */
function hashed(features: Features, dimension: number, signFromSecondHash: boolean): number[] {
  const vector = new Array<number>(dimension).fill(0);
  for (const [feature, { weight, count }] of features) {
    const hash = fnv1a(feature);
    // From v2 the sign comes from a second hash: features that share a bucket cancel as often
    // as they add, instead of following the bucket's high bit.
    const negative = signFromSecondHash ? fnv1a(feature, 0x9747b28c) & 1 : hash & 0x80000000;
    vector[hash % dimension]! += (negative ? -1 : 1) * weight * (1 + Math.log(count));
  }
  return vector;
}

/**
 * v3's meaning part: the rarity-weighted sum of the text's content words' GloVe vectors (the
 * smooth-inverse-frequency idea: common words say little), so "clay" lands near "pottery" and
 * "dog" near "greyhound" though they share no letters. Words it does not know add nothing.
 */
function meaning(text: string): Float64Array {
  const vectors = wordVectors();
  const sum = new Float64Array(vectors.dimensions);
  for (const word of tokenize(text)) {
    if (isStopWord(word)) continue;
    vectors.addTo(sum, word, Math.min(wordWeight(word), MAX_WORD_WEIGHT));
  }
  return sum;
}

/** Scales a vector to unit length in place (a zero vector stays zero); returns it. */
function normalised<T extends number[] | Float64Array>(vector: T): T {
  const norm = Math.hypot(...vector);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

/**
 * The text's vector in the model's space: unit length, or a stable unit vector for text with no
 * word characters.
 */
export function localVector(text: string, dimension: number, model: LocalModel): number[] {
  const vector: number[] =
    model === LOCAL_MODEL_V1
      ? hashed(featuresV1(text), dimension, false)
      : model === LOCAL_MODEL_V2
        ? hashed(featuresV2(text), dimension, true)
        : semanticVector(text, dimension);
  if (!vector.some((v) => v !== 0)) {
    // Text with no word characters still gets a valid, stable unit vector.
    vector[fnv1a(text) % dimension] = 1;
    return vector;
  }
  return normalised(vector);
}

/** v3: the hashed part and the meaning part, each of unit length, weighted by their shares. */
function semanticVector(text: string, dimension: number): number[] {
  const senses = normalised(meaning(text));
  const lexical = normalised(hashed(featuresV2(text), dimension - senses.length, true));
  const lexicalShare = Math.sqrt(1 - V3_SEMANTIC_SHARE);
  const semanticShare = Math.sqrt(V3_SEMANTIC_SHARE);
  return [...lexical.map((v) => v * lexicalShare), ...Array.from(senses, (v) => v * semanticShare)];
}
