export { Embedder, type EmbeddingSpace } from './embedder.port.js';
export { InferenceModule } from './inference.module.js';
export { LOCAL_MODEL_ID, LocalEmbedder } from './local/local.embedder.js';
export { ChatModel, type Completion } from './chat/chat-model.port.js';
export type { ChatMessage } from './openai/openai-compatible.client.js';
