// The baseline: textbook Okapi BM25 (k1 = 1.2, b = 0.75, Lucene's non-negative IDF) with the
// standard English analysis (lower case, the `stopword` package's English list, Porter stemming),
// in process, one index per user. It shares no code with the service on purpose.
import { stemmer } from 'stemmer';
import { eng } from 'stopword';

const STOP = new Set(eng);
const K1 = 1.2;
const B = 0.75;

export function analyze(text) {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((word) => !STOP.has(word))
    .map((word) => stemmer(word));
}

export class Bm25Index {
  constructor(documents) {
    this.docs = documents.map(({ id, text }) => {
      const terms = analyze(text);
      const tf = new Map();
      for (const term of terms) tf.set(term, (tf.get(term) ?? 0) + 1);
      return { id, length: terms.length, tf };
    });
    this.averageLength = this.docs.reduce((n, d) => n + d.length, 0) / (this.docs.length || 1);
    this.df = new Map();
    for (const doc of this.docs) {
      for (const term of doc.tf.keys()) this.df.set(term, (this.df.get(term) ?? 0) + 1);
    }
  }

  search(query, limit) {
    const terms = [...new Set(analyze(query))];
    const n = this.docs.length;
    const scored = [];
    for (const doc of this.docs) {
      let score = 0;
      for (const term of terms) {
        const f = doc.tf.get(term);
        if (!f) continue;
        const df = this.df.get(term);
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        score += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * doc.length) / this.averageLength));
      }
      if (score > 0) scored.push({ id: doc.id, score });
    }
    return scored.sort((a, b) => b.score - a.score).slice(0, limit);
  }
}
