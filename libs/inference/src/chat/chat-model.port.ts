import type { ChatMessage, ChatOptions } from '../openai/openai-compatible.client.js';

export interface Completion {
  content: string;
  model: string;
  /** Tokens as the server counted them (0 when it did not say). */
  usage: { promptTokens: number; completionTokens: number };
}

/** The LLM that writes insights and extracts facts. */
export abstract class ChatModel {
  /** False when no LLM is configured: callers answer 503 with the reason. */
  abstract readonly available: boolean;
  abstract complete(messages: ChatMessage[], options: ChatOptions): Promise<Completion>;
  abstract ping(): Promise<void>;
}
