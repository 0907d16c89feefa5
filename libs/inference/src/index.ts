export { Embedder, type EmbeddingSpace, sameSpace } from './embedder.port.js';
export { InferenceModule } from './inference.module.js';
export {
  isLocalModel,
  LOCAL_MODEL_ID,
  LOCAL_MODEL_V1,
  LOCAL_MODEL_V2,
  LOCAL_MODEL_V3,
  LOCAL_MODELS,
  type LocalModel,
} from './local/local-vectors.js';
export { LocalEmbedder } from './local/local.embedder.js';
export { ChatModel, type Completion, type RelayedAnswer } from './chat/chat-model.port.js';
export type { ChatMessage, ChatOptions, ModelCard } from './openai/openai-compatible.client.js';
export { TokenCounter } from './tokens/token-counter.port.js';
export { SpaceEmbedders } from './space-embedders.js';
export { NoReranker, Reranker } from './rerank/reranker.port.js';
