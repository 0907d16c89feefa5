import { HttpModule, HttpService } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { AppConfig, Metrics } from '@memory-system/core';
import { ChatModel } from './chat/chat-model.port.js';
import { NoChatModel, OpenAiCompatibleChatModel } from './chat/openai-compatible.chat-model.js';
import { CachingEmbedder } from './embedding-cache/caching.embedder.js';
import { EmbeddingCache } from './embedding-cache/embedding-cache.js';
import { Embedder } from './embedder.port.js';
import { localEmbedder } from './local/threaded-local.embedder.js';
import { OpenAiCompatibleClient, type ServerSettings } from './openai/openai-compatible.client.js';
import { OpenAiCompatibleEmbedder } from './openai/openai-compatible.embedder.js';
import { BackendPolicy } from './resilience/backend-policy.js';
import { SpaceEmbedders } from './space-embedders.js';
import { BpeTokenCounter } from './tokens/bpe.token-counter.js';
import { TokenCounter } from './tokens/token-counter.port.js';
import { OpenAiCompatibleReranker } from './rerank/openai-compatible.reranker.js';
import { NoReranker, Reranker } from './rerank/reranker.port.js';

function client(http: HttpService, config: AppConfig, metrics: Metrics, server: ServerSettings) {
  return new OpenAiCompatibleClient(
    http,
    server,
    new BackendPolicy(server.name, config.resilience, metrics),
    metrics,
  );
}

/**
 * The embedder is remote (cached) when VLLM_URL or VLLM_EMBEDDING_URL is set, else the local one.
 * The chat model is remote when VLLM_URL or VLLM_CHAT_URL is set, else absent (insights: 503).
 */
@Module({
  imports: [
    HttpModule.register({ maxContentLength: 256 * 1024 * 1024, maxBodyLength: 256 * 1024 * 1024 }),
  ],
  providers: [
    EmbeddingCache,
    {
      provide: Embedder,
      inject: [AppConfig, HttpService, Metrics, EmbeddingCache],
      useFactory: (
        config: AppConfig,
        http: HttpService,
        metrics: Metrics,
        cache: EmbeddingCache,
      ): Embedder => {
        const { url, apiKey, timeoutMs, model, maxBatch, localDimensions, localModel } =
          config.embedding;
        if (!url) return localEmbedder(localDimensions, localModel, config.embedding.localThreads);
        const remote = client(http, config, metrics, {
          name: 'vllm-embeddings',
          baseUrl: url,
          apiKey,
          timeoutMs,
        });
        return new CachingEmbedder(
          new OpenAiCompatibleEmbedder(remote, { model, maxBatch }),
          cache,
        );
      },
    },
    {
      provide: ChatModel,
      inject: [AppConfig, HttpService, Metrics],
      useFactory: (config: AppConfig, http: HttpService, metrics: Metrics): ChatModel => {
        const { url, apiKey, timeoutMs, model } = config.chat;
        if (!url) return new NoChatModel();
        return new OpenAiCompatibleChatModel(
          client(http, config, metrics, { name: 'vllm-chat', baseUrl: url, apiKey, timeoutMs }),
          model,
        );
      },
    },
    {
      provide: Reranker,
      inject: [AppConfig, HttpService, Metrics],
      useFactory: (config: AppConfig, http: HttpService, metrics: Metrics): Reranker => {
        const { url, apiKey, timeoutMs, model } = config.rerank;
        if (!url) return new NoReranker();
        return new OpenAiCompatibleReranker(
          client(http, config, metrics, { name: 'vllm-rerank', baseUrl: url, apiKey, timeoutMs }),
          model,
        );
      },
    },
    SpaceEmbedders,
    { provide: TokenCounter, useClass: BpeTokenCounter },
  ],
  exports: [Embedder, ChatModel, Reranker, SpaceEmbedders, TokenCounter],
})
export class InferenceModule {}
