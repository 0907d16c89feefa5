import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, type Caller, DomainError, InvalidRequest, Metrics } from '@memory-system/core';
import { ChatModel } from '@memory-system/inference';
import type { Memory } from '../domain/memory.js';
import { MemoryLimits } from '../domain/memory-limits.js';
import { MemoryService } from '../memory.service.js';
import { INSIGHT_SYSTEM_PROMPT, insightUserPrompt } from './prompts.js';

export interface Insight {
  insight: string;
  model: string;
  /** The memories the insight was drawn from, in the order the model saw them. */
  sourceIds: string[];
}

export type InsightOutcome =
  | { status: 'created'; memory: Memory; sourceIds: string[] }
  | { status: 'missing'; reason: string };

const TEMPERATURE = 0.3;
const RELATED_LIMIT = 5;

/** Asks the LLM for insights over related memories (the seed's generateMemoryInsights). */
@Injectable()
export class InsightsService {
  private readonly logger = new Logger(InsightsService.name);

  constructor(
    private readonly memories: MemoryService,
    private readonly chat: ChatModel,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  /** Insights over the memories named, or over those closest to a query. */
  async generate(
    caller: Caller,
    request: { query?: string; memoryIds?: string[]; limit: number },
  ): Promise<Insight> {
    return this.metrics.countOperation('insight', async () => {
      // Fail before any embedding or search work when there is no model to ask.
      if (!this.chat.available) await this.chat.complete([], { maxTokens: 1, temperature: 0 });
      const sources = request.memoryIds
        ? await Promise.all(request.memoryIds.map((id) => this.memories.get(caller, id)))
        : await this.memories.search(caller, { query: request.query!, limit: request.limit });
      if (sources.length === 0) {
        throw new InvalidRequest('There are no memories to draw insights from yet.');
      }
      return this.ask(sources, request.query);
    });
  }

  /**
   * The seed's createMemoryWithInsights, after the memory is stored: related memories are found,
   * the insight is stored as a memory of type `insight` linked to its sources. Any failure is
   * reported, not thrown: the memory itself is already safe.
   */
  async forNewMemory(caller: Caller, memory: Memory): Promise<InsightOutcome> {
    try {
      const related = await this.memories.search(caller, {
        query: memory.content,
        limit: RELATED_LIMIT + 1,
      });
      const sources = [
        memory,
        ...related.filter((m) => m.id !== memory.id && m.type !== 'insight'),
      ].slice(0, RELATED_LIMIT + 1);
      const { insight, model, sourceIds } = await this.ask(sources);
      const { memory: stored } = await this.memories.create(caller, {
        content: insight.slice(0, MemoryLimits.contentMaxChars),
        type: 'insight',
        metadata: {
          sourceMemory: memory.id,
          sources: sourceIds.join(','),
          model,
          category: 'analysis',
        },
        sessionId: memory.sessionId ?? undefined,
      });
      return { status: 'created', memory: stored, sourceIds };
    } catch (error) {
      const reason =
        error instanceof DomainError ? error.message : 'the insight could not be generated';
      if (!(error instanceof DomainError)) this.logger.error(error);
      return { status: 'missing', reason };
    }
  }

  private async ask(sources: Memory[], focus?: string): Promise<Insight> {
    const included = this.fitToBudget(sources);
    const completion = await this.chat.complete(
      [
        { role: 'system', content: INSIGHT_SYSTEM_PROMPT },
        { role: 'user', content: insightUserPrompt(included, focus) },
      ],
      { maxTokens: this.config.chat.maxTokens, temperature: TEMPERATURE },
    );
    return {
      insight: completion.content,
      model: completion.model,
      sourceIds: included.map((m) => m.id),
    };
  }

  /** Keeps memories, best first, until INSIGHTS_MAX_INPUT_CHARS; a lone long one is cut. */
  private fitToBudget(sources: Memory[]): Memory[] {
    let budget = this.config.chat.maxInputChars;
    const included: Memory[] = [];
    for (const memory of sources) {
      if (budget <= 0) break;
      const content =
        memory.content.length > budget ? `${memory.content.slice(0, budget)}…` : memory.content;
      included.push({ ...memory, content });
      budget -= content.length;
    }
    return included;
  }
}
