import { BackendMisconfigured, FeatureUnavailable } from '@memory-system/core';
import { firstModel } from '../openai/openai-compatible.embedder.js';
import type {
  ChatMessage,
  ChatOptions,
  ModelCard,
  OpenAiCompatibleClient,
} from '../openai/openai-compatible.client.js';
import { ChatModel, type Completion, type RelayedAnswer } from './chat-model.port.js';
import { onceUntilFailure } from '../once-until-failure.js';

/** Chat completions from an OpenAI-compatible `/v1/chat/completions` endpoint. */
export class OpenAiCompatibleChatModel extends ChatModel {
  readonly available = true;
  private readonly firstModel = onceUntilFailure(() => firstModel(this.client));

  constructor(
    private readonly client: OpenAiCompatibleClient,
    private readonly configuredModel?: string,
  ) {
    super();
  }

  async complete(messages: ChatMessage[], options: ChatOptions): Promise<Completion> {
    const model = await this.resolveModel();
    const response = await this.client.createChatCompletion(model, messages, options);
    const message = response.choices?.[0]?.message;
    const content = message?.content?.trim();
    if (!content) {
      const why = message?.refusal ? `refused: ${message.refusal}` : 'returned no message content';
      throw new BackendMisconfigured('vllm', `model ${model} ${why}`);
    }
    return {
      content,
      model: response.model ?? model,
      usage: {
        promptTokens: response.usage?.prompt_tokens ?? 0,
        completionTokens: response.usage?.completion_tokens ?? 0,
      },
    };
  }

  relay(request: object, signal: AbortSignal): Promise<RelayedAnswer> {
    return this.client.relayChatCompletion(request, signal);
  }

  models(): Promise<ModelCard[]> {
    return this.client.listModels();
  }

  /**
   * The server answers, and its model chats: an embedding model's vLLM lists its model too, but
   * answers no chat. One token is asked for once; once it worked it is not asked again.
   */
  async ping(): Promise<void> {
    await this.client.probe();
    await this.chats();
  }

  private readonly chats = onceUntilFailure(async () => {
    const model = await this.resolveModel();
    await this.client
      .createChatCompletion(model, [{ role: 'user', content: 'ping' }], {
        maxTokens: 1,
        temperature: 0,
      })
      .catch((error: unknown) => {
        if (!(error instanceof BackendMisconfigured) || !/HTTP 404/.test(error.message))
          throw error;
        throw new BackendMisconfigured(
          'vllm',
          `the chat server does not serve chat with ${model} (${error.message}): VLLM_CHAT_URL ` +
            '(or VLLM_URL) must name the server of a chat model; a vLLM server serves one model',
        );
      });
  });

  private resolveModel(): Promise<string> {
    return this.configuredModel ? Promise.resolve(this.configuredModel) : this.firstModel();
  }
}

/** No VLLM_URL / VLLM_CHAT_URL: there is no LLM, and features that need one say so. */
export class NoChatModel extends ChatModel {
  readonly available = false;

  complete(): Promise<Completion> {
    return Promise.reject(this.unavailable());
  }

  relay(): Promise<RelayedAnswer> {
    return Promise.reject(this.unavailable());
  }

  models(): Promise<ModelCard[]> {
    return Promise.reject(this.unavailable());
  }

  private unavailable(): FeatureUnavailable {
    return new FeatureUnavailable(
      'Insights, extraction and the chat proxy need a language model: set VLLM_URL (or VLLM_CHAT_URL) to an OpenAI-compatible server such as vLLM.',
    );
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }
}
