import type { HttpService } from '@nestjs/axios';
import { BackendMisconfigured, BackendUnavailable, type Metrics } from '@memory-system/core';
import { firstValueFrom } from 'rxjs';
import { request as undiciRequest } from 'undici';
import type { RelayedAnswer } from '../chat/chat-model.port.js';
import type { BackendPolicy } from '../resilience/backend-policy.js';
import { mapInferenceError } from './openai-errors.js';

export interface ModelCard {
  id: string;
  object?: string;
  owned_by?: string;
  max_model_len?: number;
}

export interface EmbeddingsResponse {
  data: Array<{ index: number; embedding: number[] }>;
  model?: string;
}

export interface RerankResponse {
  results?: Array<{ index: number; relevance_score: number }>;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatCompletionResponse {
  model?: string;
  choices: Array<{
    message?: { content?: string | null; refusal?: string | null };
    finish_reason?: string | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export interface ChatOptions {
  maxTokens: number;
  temperature: number;
  /**
   * A JSON schema the answer must follow: sent as OpenAI's `response_format`, which vLLM
   * enforces by guided decoding (structured outputs).
   */
  jsonSchema?: { name: string; schema: object };
  /** Cancels the call (the client that asked for it went away). */
  signal?: AbortSignal;
}

export interface ServerSettings {
  /** For logs and metrics: 'vllm-embeddings' or 'vllm-chat'. */
  name: string;
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
}

const HEALTH_TIMEOUT_MS = 2000;

/**
 * One OpenAI-compatible server (vLLM, and also Ollama, llama.cpp, TEI, OpenAI). Every call goes
 * through the server's resilience policy (retries, circuit breaker) and is timed into metrics.
 */
export class OpenAiCompatibleClient {
  constructor(
    private readonly http: HttpService,
    readonly server: ServerSettings,
    private readonly policy: BackendPolicy,
    private readonly metrics: Metrics,
  ) {}

  async listModels(): Promise<ModelCard[]> {
    const body = await this.call<{ data?: ModelCard[] }>('models', 'listing models', {
      method: 'GET',
      path: '/v1/models',
    });
    return this.modelList(body);
  }

  /** A direct probe for /health: no retries, no breaker, a short deadline. */
  async probe(): Promise<void> {
    const body = await this.send<{ data?: ModelCard[] }>('listing models', {
      method: 'GET',
      path: '/v1/models',
      timeout: HEALTH_TIMEOUT_MS,
    });
    this.modelList(body);
  }

  createEmbeddings(model: string, input: string[]): Promise<EmbeddingsResponse> {
    return this.call('embeddings', 'embedding', {
      method: 'POST',
      path: '/v1/embeddings',
      data: { model, input, encoding_format: 'float' },
    });
  }

  createChatCompletion(
    model: string,
    messages: ChatMessage[],
    options: ChatOptions,
  ): Promise<ChatCompletionResponse> {
    return this.call('chat', 'asking the language model', {
      method: 'POST',
      path: '/v1/chat/completions',
      signal: options.signal,
      data: {
        model,
        messages,
        max_tokens: options.maxTokens,
        temperature: options.temperature,
        stream: false,
        ...(options.jsonSchema
          ? {
              response_format: {
                type: 'json_schema',
                json_schema: { ...options.jsonSchema, strict: true },
              },
            }
          : {}),
      },
    });
  }

  /**
   * A chat request relayed as given, its answer streamed back as it arrives. Never retried (an
   * answer may be under way) and without the breaker: the caller sees the server's own answer.
   * The deadline applies to the headers and to each wait between chunks, not to the whole answer.
   */
  async relayChatCompletion(body: object, signal: AbortSignal): Promise<RelayedAnswer> {
    const end = this.metrics.backendRequestDuration.startTimer({
      backend: 'vllm',
      operation: 'chat_relay',
    });
    try {
      const response = await undiciRequest(`${this.server.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: {
          'content-type': 'application/json',
          ...(this.server.apiKey ? { authorization: `Bearer ${this.server.apiKey}` } : {}),
        },
        signal,
        headersTimeout: this.server.timeoutMs,
        bodyTimeout: this.server.timeoutMs,
      });
      end({ outcome: response.statusCode < 500 ? 'success' : 'error' });
      const header = (name: string) => {
        const value = response.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      return {
        status: response.statusCode,
        contentType: header('content-type') ?? 'application/json',
        retryAfter: header('retry-after'),
        body: response.body,
      };
    } catch (error) {
      end({ outcome: 'error' });
      if (signal.aborted) throw error;
      const code = (error as { code?: string }).code ?? (error as Error).message;
      throw new BackendUnavailable('vllm', `asking the language model failed: ${code}`);
    }
  }

  /** vLLM's rerank API: one relevance score per document (`top_n` all, so none is left out). */
  rerank(model: string, query: string, documents: string[]): Promise<RerankResponse> {
    return this.call('rerank', 'reranking', {
      method: 'POST',
      path: '/v1/rerank',
      data: { model, query, documents, top_n: documents.length },
    });
  }

  private call<T>(operation: string, what: string, request: Request): Promise<T> {
    return this.metrics.timeBackend('vllm', operation, () =>
      this.policy.execute(() => this.send<T>(what, request)),
    );
  }

  private async send<T>(what: string, request: Request): Promise<T> {
    try {
      const response = await firstValueFrom(
        this.http.request<T>({
          method: request.method,
          url: `${this.server.baseUrl}${request.path}`,
          data: request.data,
          timeout: request.timeout ?? this.server.timeoutMs,
          signal: request.signal,
          headers: this.server.apiKey ? { Authorization: `Bearer ${this.server.apiKey}` } : {},
        }),
      );
      return response.data;
    } catch (error) {
      throw mapInferenceError(error, what);
    }
  }

  private modelList(body: { data?: ModelCard[] }): ModelCard[] {
    if (!Array.isArray(body?.data)) {
      throw new BackendMisconfigured(
        'vllm',
        `${this.server.baseUrl}/v1/models did not return a model list`,
      );
    }
    return body.data;
  }
}

interface Request {
  method: 'GET' | 'POST';
  path: string;
  data?: unknown;
  timeout?: number;
  signal?: AbortSignal;
}
