export { Embedder, type EmbeddingSpace } from './embedder.port.js';
export { InferenceModule } from './inference.module.js';
export { LOCAL_MODEL_ID, LocalEmbedder } from './local/local.embedder.js';
export { OpenAiCompatibleEmbedder } from './openai/openai-compatible.embedder.js';
export { OpenAiCompatibleClient } from './openai/openai-compatible.client.js';
export { upstreamMessage } from './openai/openai-errors.js';
