import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@memory-system/core';
import { ChatModel } from '@memory-system/inference';

/** The most sub-questions one search runs (each is a search of its own). */
export const MAX_SUB_QUESTIONS = 3;
/** A sub-question longer than this is not one. */
const MAX_SUB_QUESTION_CHARS = 300;

const INSTRUCTIONS =
  'You split questions about past conversations into the simpler questions a search must ' +
  'answer first. A question that links two events ("What did Priya buy after her brother ' +
  'married?") becomes one question per event ("What did Priya buy?", "When did Priya\'s ' +
  `brother marry?"). A simple question stays as it is, alone. At most ${MAX_SUB_QUESTIONS}; ` +
  'keep names and dates; answer only with JSON.';

const SCHEMA = {
  type: 'object',
  properties: {
    questions: {
      type: 'array',
      items: { type: 'string' },
      maxItems: MAX_SUB_QUESTIONS,
    },
  },
  required: ['questions'],
  additionalProperties: false,
};

/**
 * Query decomposition, an optional LLM lane for multi-hop questions (SEARCH_DECOMPOSE, off by
 * default): the chat model splits a question that links events into one question per event, so
 * each event's message is searched for by what it says. One chat call per search; whatever the
 * model answers that is not a list of short questions counts as no split.
 */
@Injectable()
export class QueryDecomposer {
  private readonly logger = new Logger(QueryDecomposer.name);

  constructor(
    private readonly chat: ChatModel,
    private readonly config: AppConfig,
  ) {}

  /** On when configured and a chat model is there to ask. */
  get enabled(): boolean {
    return this.config.search.decompose && this.chat.available;
  }

  /**
   * The question's parts other than itself (at most MAX_SUB_QUESTIONS), or none when the model
   * leaves it whole, fails or answers out of shape: the search then runs as if it was not asked.
   */
  async subQuestions(query: string): Promise<string[]> {
    try {
      const { content } = await this.chat.complete(
        [
          { role: 'system', content: INSTRUCTIONS },
          { role: 'user', content: JSON.stringify({ question: query }) },
        ],
        {
          maxTokens: 200,
          temperature: 0,
          jsonSchema: { name: 'sub_questions', schema: SCHEMA },
        },
      );
      return partsOf(content, query);
    } catch (error) {
      this.logger.warn(
        `Query decomposition failed, searching the question whole: ${String(error)}`,
      );
      return [];
    }
  }
}

/** The usable sub-questions in a model's answer: distinct, short, not the question itself. */
export function partsOf(answer: string, query: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer);
  } catch {
    return [];
  }
  const questions = (parsed as { questions?: unknown })?.questions;
  if (!Array.isArray(questions)) return [];
  const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
  const parts: string[] = [];
  for (const question of questions) {
    if (typeof question !== 'string') continue;
    const text = question.trim();
    if (text === '' || text.length > MAX_SUB_QUESTION_CHARS || same(text, query)) continue;
    if (parts.some((part) => same(part, text))) continue;
    parts.push(text);
  }
  return parts.slice(0, MAX_SUB_QUESTIONS);
}
