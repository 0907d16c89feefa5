export * from './vector-store.port.js';
export { VectorModule } from './vector.module.js';
export { ChromaEndpoint } from './chroma/chroma-endpoint.js';
export { ChromaVectorStore } from './chroma/chroma-vector.store.js';
export {
  collectionNameFor,
  collectionNameForHash,
  collectionPrefixFor,
  collectionPrefixForHash,
  homeHashOf,
  SPACE_TAG,
  SUBJECT_HOMES,
  subjectHomeHashesOf,
  userHashOf,
  userHashOfCollection,
} from './chroma/collection-name.js';
export { IncompatibleChromaServer } from './chroma/chroma-version-check.js';
export {
  chromaDataDir,
  EmbeddedChromaServer,
  type EmbeddedChromaOptions,
} from './embedded/embedded-chroma.server.js';
export { ChromaRuntimeUnavailable } from './embedded/chroma-runtime.js';
export { type IdReader, scanIds } from './id-scan.js';
export { matchesFilter } from './filter-match.js';
export { fetchDebianPackages } from './embedded/debian-packages.js';
export { ChromaRecordsClient } from './chroma/chroma-records.client.js';
export { mapChromaError } from './chroma/chroma-errors.js';
