import type { ChatMessage } from '../openai/openai-compatible.client.js';

export interface Completion {
  content: string;
  model: string;
}

/** The LLM that writes insights. */
export abstract class ChatModel {
  /** False when no LLM is configured: callers answer 503 with the reason. */
  abstract readonly available: boolean;
  abstract complete(
    messages: ChatMessage[],
    options: { maxTokens: number; temperature: number },
  ): Promise<Completion>;
  abstract ping(): Promise<void>;
}
