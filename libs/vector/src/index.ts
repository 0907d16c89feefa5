export * from './vector-store.port.js';
export { VectorModule } from './vector.module.js';
export { ChromaEndpoint } from './chroma/chroma-endpoint.js';
export { ChromaVectorStore } from './chroma/chroma-vector.store.js';
export {
  collectionNameFor,
  collectionPrefixFor,
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
