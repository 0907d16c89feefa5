import { BackendMisconfigured, FeatureUnavailable } from '@memory-system/core';
import { firstModel } from '../openai/openai-compatible.embedder.js';
import type { ChatMessage, OpenAiCompatibleClient } from '../openai/openai-compatible.client.js';
import { ChatModel, type Completion } from './chat-model.port.js';
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

  async complete(
    messages: ChatMessage[],
    options: { maxTokens: number; temperature: number },
  ): Promise<Completion> {
    const model = await this.resolveModel();
    const response = await this.client.createChatCompletion(model, messages, options);
    const content = response.choices?.[0]?.message?.content?.trim();
    if (!content)
      throw new BackendMisconfigured('vllm', `model ${model} returned no message content`);
    return { content, model: response.model ?? model };
  }

  ping(): Promise<void> {
    return this.client.probe();
  }

  private resolveModel(): Promise<string> {
    return this.configuredModel ? Promise.resolve(this.configuredModel) : this.firstModel();
  }
}

/** No VLLM_URL / VLLM_CHAT_URL: there is no LLM, and features that need one say so. */
export class NoChatModel extends ChatModel {
  readonly available = false;

  complete(): Promise<Completion> {
    return Promise.reject(
      new FeatureUnavailable(
        'Insights need a language model: set VLLM_URL (or VLLM_CHAT_URL) to an OpenAI-compatible server such as vLLM.',
      ),
    );
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }
}
