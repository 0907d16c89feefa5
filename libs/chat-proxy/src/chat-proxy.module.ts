import { Module, type OnModuleInit } from '@nestjs/common';
import { ErrorDialects, Metrics } from '@memory-system/core';
import { InferenceModule } from '@memory-system/inference';
import { MemoryModule } from '@memory-system/memory';
import { ChatProxyController } from './chat-proxy.controller.js';
import { ExchangeLearner } from './exchange-learner.js';
import { MemoryMessageBuilder } from './memory-message.js';
import { openAiErrorWriter } from './openai-error.js';

/** Where OpenAI clients point their base URL (http://host:3000/v1). */
export const PROXY_PREFIX = '/v1';

/** The OpenAI-compatible chat proxy: an edge adapter on the context builder, the chat model and extraction. */
@Module({
  imports: [MemoryModule, InferenceModule],
  controllers: [ChatProxyController],
  providers: [MemoryMessageBuilder, ExchangeLearner],
})
export class ChatProxyModule implements OnModuleInit {
  constructor(
    private readonly dialects: ErrorDialects,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.dialects.register(
      PROXY_PREFIX,
      openAiErrorWriter(() => this.metrics.proxyRequests.inc({ outcome: 'refused' })),
    );
  }
}
