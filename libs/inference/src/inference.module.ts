import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { AppConfig } from '@memory-system/core';
import { Embedder } from './embedder.port.js';
import { LocalEmbedder } from './local/local.embedder.js';
import { OpenAiCompatibleClient } from './openai/openai-compatible.client.js';
import { OpenAiCompatibleEmbedder } from './openai/openai-compatible.embedder.js';

/** The embedder is the remote one when VLLM_URL (or VLLM_EMBEDDING_URL) is set, else local. */
@Module({
  imports: [
    HttpModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        timeout: config.embedding.timeoutMs,
        headers: config.embedding.apiKey
          ? { Authorization: `Bearer ${config.embedding.apiKey}` }
          : {},
        maxContentLength: 256 * 1024 * 1024,
        maxBodyLength: 256 * 1024 * 1024,
      }),
    }),
  ],
  providers: [
    OpenAiCompatibleClient,
    {
      provide: Embedder,
      inject: [AppConfig, OpenAiCompatibleClient],
      useFactory: (config: AppConfig, client: OpenAiCompatibleClient): Embedder =>
        config.embedding.url
          ? new OpenAiCompatibleEmbedder(client, config)
          : new LocalEmbedder(config.embedding.localDimensions),
    },
  ],
  exports: [Embedder],
})
export class InferenceModule {}
