import { Injectable } from '@nestjs/common';
import type { Caller } from '@memory-system/core';
import { TokenCounter } from '@memory-system/inference';
import type { ScoredMemory } from '../domain/memory.js';
import { MemoryLimits } from '../domain/memory-limits.js';
import { MemoryService } from '../memory.service.js';
import { SessionRegistry, type SessionTurn } from '../session-registry.port.js';
import { conversationQuery } from './conversation-query.js';
import { fitToBudget, type Section } from './fit-to-budget.js';

export const CONTEXT_BUDGET_MAX = 32_000;
export const CONTEXT_BUDGET_DEFAULT = 1_000;

export interface ContextRequest {
  /** What to find memories for; or give messages (the latest turns are read). */
  query?: string;
  messages?: ReadonlyArray<{ role: string; content: string }>;
  /** Also the recent conversation of this session. */
  sessionId?: string;
  tokenBudget: number;
  /** Only memories of these types (any of them). */
  types?: string[];
  /** Only memories with every one of these tags. */
  tags?: string[];
  /** ISO 8601: only memories that occurred at or after this moment. */
  occurredAfter?: string;
  /** ISO 8601: only memories that occurred before this moment. */
  occurredBefore?: string;
}

export interface ContextMemory {
  id: string;
  content: string;
  score: number;
  /** What its line in `text` costs. */
  tokens: number;
}

export interface BuiltContext {
  /** Ready to put in a prompt: the session's recent turns, then the memories that fit, best first. */
  text: string;
  /** Tokens of `text` as the tokenizer counts them: never more than `budget`. */
  tokens: number;
  budget: number;
  tokenizer: string;
  memories: ContextMemory[];
  /** How many of the session's recent turns fit. */
  sessionTurns: number;
}

export const MEMORIES_HEADING =
  'Memories about the user, most relevant first (each line starts with the memory id):';
export const SESSION_HEADING = 'Recent conversation in this session, oldest first:';

/** How many memories are considered: enough to fill the budget with short ones, never more than a search gives. */
function candidatesFor(budget: number): number {
  return Math.min(MemoryLimits.searchLimitMax, Math.max(10, Math.ceil(budget / 40)));
}

/** One line per item: a line break inside a memory would read as the next item. */
const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();

/**
 * The context a model should read before answering: the user's most useful memories, and the
 * session's recent conversation when asked, fitted to a token budget (the newest turns within
 * half of it, then the memories that fit, best first). Used by POST /context, the MCP context tool and the chat proxy.
 */
@Injectable()
export class ContextBuilder {
  constructor(
    private readonly memories: MemoryService,
    private readonly sessions: SessionRegistry,
    private readonly tokens: TokenCounter,
  ) {}

  async build(caller: Caller, request: ContextRequest): Promise<BuiltContext> {
    const query = request.query ?? conversationQuery(request.messages ?? []);
    const [found, turns] = await Promise.all([
      query.trim() ? this.find(caller, query, request) : Promise.resolve([]),
      request.sessionId
        ? this.sessions.recentTurns(caller, request.sessionId)
        : Promise.resolve<SessionTurn[]>([]),
    ]);
    // The session's newest turns first, within half the budget; memories fill the rest. Shown
    // in that order: the conversation so far, then what is remembered.
    const sections: Section[] = [
      {
        heading: SESSION_HEADING,
        // Newest first, so that the newest turns are the ones kept; shown oldest first.
        lines: turns.map((turn) => `${turn.role}: ${oneLine(turn.content)}`).reverse(),
        reversed: true,
        cap: Math.floor(request.tokenBudget / 2),
      },
      {
        heading: MEMORIES_HEADING,
        lines: found.map((memory) => `- [${memory.id}] ${oneLine(memory.content)}`),
      },
    ];
    const fitted = fitToBudget(sections, request.tokenBudget, (text) => this.tokens.count(text));
    const [turnLines, memoryLines] = fitted.kept;
    return {
      text: fitted.text,
      tokens: fitted.tokens,
      budget: request.tokenBudget,
      tokenizer: this.tokens.name,
      memories: memoryLines!.map(({ index, tokens }) => {
        const memory = found[index]!;
        return { id: memory.id, content: memory.content, score: memory.score, tokens };
      }),
      sessionTurns: turnLines!.length,
    };
  }

  /** One search (one per type when several are asked), best first, each memory once. */
  private async find(
    caller: Caller,
    query: string,
    request: ContextRequest,
  ): Promise<ScoredMemory[]> {
    const limit = candidatesFor(request.tokenBudget);
    const tags = request.tags?.length ? request.tags : undefined;
    const { occurredAfter, occurredBefore } = request;
    const types = request.types?.length ? [...new Set(request.types)] : [undefined];
    const results = await Promise.all(
      types.map((type) =>
        this.memories.search(caller, {
          query: query.slice(0, MemoryLimits.queryMaxChars),
          limit,
          filter: { type, tags, occurredAfter, occurredBefore },
        }),
      ),
    );
    const seen = new Set<string>();
    return results
      .flat()
      .sort((a, b) => b.score - a.score)
      .filter((memory) => !seen.has(memory.id) && seen.add(memory.id))
      .slice(0, limit);
  }
}
