import { Injectable } from '@nestjs/common';
import { AppConfig, type Caller, Metrics } from '@memory-system/core';
import { TokenCounter } from '@memory-system/inference';
import { ContextBuilder } from '@memory-system/memory';
import { type ChatRequestMessage, textOf } from './chat-request.js';

/** The first line of the added system message (within PROXY_MEMORY_TOKENS too). */
export const MEMORY_MESSAGE_INTRO =
  'From long-term memory (memory-system): what is known about this user. Use what is relevant; ignore the rest.';

export interface MemoryMessage {
  /** The system message's content; undefined when nothing was found that fits. */
  content?: string;
  memoryIds: string[];
  tokens: number;
}

/**
 * The one system message the proxy adds to a chat: the context builder's memories (and the
 * named session's recent turns) for the conversation, within PROXY_MEMORY_TOKENS. No retrieval
 * of its own: the same context as POST /context gives.
 */
@Injectable()
export class MemoryMessageBuilder {
  private readonly introTokens: number;

  constructor(
    private readonly contexts: ContextBuilder,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
    tokens: TokenCounter,
  ) {
    this.introTokens = tokens.count(`${MEMORY_MESSAGE_INTRO}\n\n`);
  }

  async build(
    caller: Caller,
    messages: ChatRequestMessage[],
    sessionId?: string,
  ): Promise<MemoryMessage> {
    const budget = this.config.proxy.memoryTokens - this.introTokens;
    const context =
      budget < 1
        ? undefined
        : await this.contexts.build(caller, {
            // Only text reaches the search: the context builder reads the newest few anyway.
            messages: messages.slice(-8).map((m) => ({ role: m.role, content: textOf(m) })),
            sessionId,
            tokenBudget: budget,
          });
    const found = context?.text ? context : undefined;
    const tokens = found ? found.tokens + this.introTokens : 0;
    this.metrics.proxyInjectedMemories.observe(found?.memories.length ?? 0);
    this.metrics.proxyInjectedTokens.observe(tokens);
    return {
      content: found ? `${MEMORY_MESSAGE_INTRO}\n\n${found.text}` : undefined,
      memoryIds: found?.memories.map((m) => m.id) ?? [],
      tokens,
    };
  }
}
