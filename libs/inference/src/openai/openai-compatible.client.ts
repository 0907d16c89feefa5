import { HttpService } from '@nestjs/axios';
import { Injectable } from '@nestjs/common';
import { BackendMisconfigured } from '@memory-system/core';
import { firstValueFrom } from 'rxjs';
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

/** The OpenAI-compatible HTTP API that vLLM (and Ollama, llama.cpp, TEI, OpenAI) serves. */
@Injectable()
export class OpenAiCompatibleClient {
  constructor(private readonly http: HttpService) {}

  async listModels(baseUrl: string, timeoutMs?: number): Promise<ModelCard[]> {
    const body = await this.request<{ data?: ModelCard[] }>('listing models', {
      method: 'GET',
      url: `${baseUrl}/v1/models`,
      timeout: timeoutMs,
    });
    if (!Array.isArray(body.data)) {
      throw new BackendMisconfigured('vllm', `${baseUrl}/v1/models did not return a model list`);
    }
    return body.data;
  }

  createEmbeddings(baseUrl: string, model: string, input: string[]): Promise<EmbeddingsResponse> {
    return this.request<EmbeddingsResponse>('embedding', {
      method: 'POST',
      url: `${baseUrl}/v1/embeddings`,
      data: { model, input, encoding_format: 'float' },
    });
  }

  private async request<T>(
    what: string,
    config: { method: string; url: string; data?: unknown; timeout?: number },
  ): Promise<T> {
    try {
      const response = await firstValueFrom(this.http.request<T>(config));
      return response.data;
    } catch (error) {
      throw mapInferenceError(error, what);
    }
  }
}
