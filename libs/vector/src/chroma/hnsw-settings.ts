/**
 * The HNSW settings every memory collection is created with (Chroma 1.x `configuration.hnsw`),
 * written out rather than left to Chroma's defaults so that a Chroma upgrade cannot change them
 * unnoticed. Chosen by bench/hnsw-settings.mjs (figures in the README's Benchmarks): with
 * sync_threshold 1000 (Chroma's default), 10,000 single adds grew the data folder no more than
 * batch ingest did (+24.8 MB against +26.8 MB), so the growth another project fixed with larger
 * values (Chroma 0.4/0.5) does not happen here; 10,000 saved no disk on single adds and left
 * batch ingest's folder at +44.4 MB. Chroma 1.x keeps no `batch_size` (its server has no
 * brute-force buffer; one sent is dropped), so none is set. Only new collections take these.
 */
export const HNSW_SETTINGS = {
  space: 'cosine',
  /** Records added before the graph is written to disk again. */
  sync_threshold: 1000,
} as const;
