import type { ChatMessage, ChatOptions, ModelCard } from '../openai/openai-compatible.client.js';

export interface Completion {
  content: string;
  model: string;
  /** Tokens as the server counted them (0 when it did not say). */
  usage: { promptTokens: number; completionTokens: number };
}

/** The chat server's answer to a relayed request: its status, and its body as it arrives. */
export interface RelayedAnswer {
  status: number;
  contentType: string;
  /** The server's Retry-After, when it sent one (429, 503). */
  retryAfter?: string;
  /** The body's bytes in the chunks the server sent them in (server-sent events when streaming). */
  body: AsyncIterable<Uint8Array>;
}

/** The LLM that writes insights and extracts facts, and answers the chats the proxy relays. */
export abstract class ChatModel {
  /** False when no LLM is configured: callers answer 503 with the reason. */
  abstract readonly available: boolean;
  abstract complete(messages: ChatMessage[], options: ChatOptions): Promise<Completion>;
  /**
   * Sends an OpenAI chat completion request exactly as given (every field) and hands back the
   * answer as it arrives, never buffered; aborting the signal ends the call upstream.
   */
  abstract relay(request: object, signal: AbortSignal): Promise<RelayedAnswer>;
  /** The models the chat server serves. */
  abstract models(): Promise<ModelCard[]>;
  abstract ping(): Promise<void>;
}
