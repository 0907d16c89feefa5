import { Injectable, Logger } from '@nestjs/common';
import {
  AppConfig,
  type Caller,
  DuplicateMemory,
  InvalidRequest,
  ClientGone,
  Metrics,
  UnusableModelAnswer,
  type UserDataEraser,
} from '@memory-system/core';
import { ChatModel, type ChatMessage, type Completion } from '@memory-system/inference';
import type { z } from 'zod';
import type { Memory } from '../domain/memory.js';
import { type Change, MemoryService } from '../memory.service.js';
import { SessionRegistry } from '../session-registry.port.js';
import {
  type Action,
  decisionsAnswer,
  type DecisionsAnswer,
  factsAnswer,
  jsonSchemaOf,
  readAnswer,
} from './extraction-answers.js';
import { ExtractionQueue } from './extraction-queue.js';
import {
  conversationJson,
  DECIDE_SYSTEM_PROMPT,
  decideUserPrompt,
  EXTRACT_SYSTEM_PROMPT,
  extractUserPrompt,
  type PromptMessage,
} from './extraction-prompts.js';

export interface ExtractionRequest {
  messages: PromptMessage[];
  sessionId?: string;
  /** The conversation the messages belong to: learned memories are stored in it. */
  conversationId?: string;
  dryRun?: boolean;
  /** Aborted when the client goes away: the extraction stops at its next step. */
  signal?: AbortSignal;
}

/** Where a learned memory sits: its conversation, and when its messages were said (the last `at`). */
interface LearnedFrom {
  sessionId?: string;
  conversationId?: string;
  occurredAt?: string;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** One candidate fact and what was decided for it. */
export interface Decision {
  fact: { content: string; type: string };
  action: Lowercase<Action>;
  /** The memory stored (add, supersede) or changed (update, delete); null for none and in a dry run for new ones. */
  memoryId: string | null;
  /** The existing memory the decision acts on (update, supersede, delete). */
  targetId: string | null;
  /** update: the memory's new text. */
  content: string | null;
  /** Why a decision was changed by the service (for example, to none when the model named no memory). */
  note?: string;
}

export interface ExtractionReceipt {
  dryRun: boolean;
  model: string | null;
  /** Chat calls made: one per step, one more for each answer that had to be asked again. */
  chatCalls: number;
  usage: { extract: TokenUsage; decide: TokenUsage; total: TokenUsage };
  decisions: Decision[];
}

const TEMPERATURE = 0;
const noTokens = (): TokenUsage => ({ promptTokens: 0, completionTokens: 0 });
const SOURCE = { source: 'extraction' };

interface Step<T> {
  value: T;
  calls: number;
  usage: TokenUsage;
  model: string;
}

/**
 * Learns facts from a conversation and keeps the user's memory true (POST /memories/extract):
 * one chat call extracts candidate facts, a second decides per candidate, beside the nearest
 * memories the user has, whether to add it, refine a memory, supersede one, retract one or do
 * nothing. The model never touches the store: it can only name the candidates and the memories it
 * was shown, and the service applies its decisions, per user one extraction at a time, undoing
 * them all if one fails.
 */
@Injectable()
export class ExtractionService implements UserDataEraser {
  readonly name = 'extractions';
  private readonly logger = new Logger(ExtractionService.name);
  /** How to stop each user's extractions, running or queued (the user is being deleted). */
  private readonly stops = new Map<string, Set<AbortController>>();
  /** One extraction per user at a time (the second decides on what the first stored), a few queued. */
  private readonly perUser: ExtractionQueue;

  constructor(
    private readonly memories: MemoryService,
    private readonly sessions: SessionRegistry,
    private readonly chat: ChatModel,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    this.perUser = new ExtractionQueue(() => this.config.extraction.queuePerUser);
  }

  /** False without a language model: extraction then answers 503. */
  get available(): boolean {
    return this.chat.available;
  }

  async extract(caller: Caller, request: ExtractionRequest): Promise<ExtractionReceipt> {
    if (!this.chat.available) await this.chat.complete([], { maxTokens: 1, temperature: 0 });
    // Measured as sent: JSON escaping can make a text six times longer.
    const conversation = conversationJson(request.messages);
    const max = this.config.extraction.maxInputChars;
    if (conversation.length > max) {
      throw new InvalidRequest(
        `The messages take ${conversation.length} characters as sent to the model (JSON-escaped); one extraction takes at most ${max} (EXTRACTION_MAX_INPUT_CHARS). Send the conversation in parts.`,
        [{ field: 'messages', messages: ['too long for one extraction'] }],
      );
    }
    if (request.sessionId) await this.sessions.assertOwned(caller, [request.sessionId]);
    const end = this.metrics.extractionDuration.startTimer();
    const stop = this.stopperFor(caller.userId);
    const signal = request.signal ? AbortSignal.any([request.signal, stop.signal]) : stop.signal;
    try {
      const receipt = await this.perUser.run(
        caller.userId,
        () => this.run(caller, { ...request, signal }, conversation),
        signal,
      );
      const outcome = receipt.dryRun ? 'dry_run' : 'applied';
      end({ outcome });
      this.metrics.extractionRequests.inc({ outcome });
      return receipt;
    } catch (error) {
      end({ outcome: 'error' });
      this.metrics.extractionRequests.inc({ outcome: 'error' });
      throw error;
    } finally {
      this.stops.get(caller.userId)?.delete(stop);
      if (this.stops.get(caller.userId)?.size === 0) this.stops.delete(caller.userId);
    }
  }

  private stopperFor(userId: string): AbortController {
    const stop = new AbortController();
    const stops = this.stops.get(userId) ?? new Set();
    this.stops.set(userId, stops.add(stop));
    return stop;
  }

  /**
   * The user is being deleted: their extractions here stop at their next step (a model call is
   * cut off) and this returns once none runs, so nothing they learn lands after the erasure.
   */
  async settleWrites(userId: string): Promise<void> {
    for (const stop of this.stops.get(userId) ?? []) stop.abort();
    await this.perUser.idle(userId);
  }

  /** Extractions keep nothing of their own. */
  eraseUserData(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Extraction after the answer (a session that extracts, as its context is appended): the
   * outcome is logged and counted, never thrown; the append it follows has already succeeded.
   */
  extractLater(caller: Caller, request: ExtractionRequest): void {
    void this.extract(caller, request).then(
      (receipt) =>
        this.logger.log(
          `Session ${request.sessionId} extraction: ${receipt.decisions.map((d) => d.action).join(', ') || 'no facts'}`,
        ),
      (error: Error) =>
        this.logger.warn(`Session ${request.sessionId} extraction failed: ${error.message}`),
    );
  }

  private async run(
    caller: Caller,
    request: ExtractionRequest,
    conversation: string,
  ): Promise<ExtractionReceipt> {
    const { maxFacts, neighbours, maxPromptChars } = this.config.extraction;
    const { signal } = request;
    const extracted = await this.ask(
      'extract',
      [
        { role: 'system', content: EXTRACT_SYSTEM_PROMPT },
        { role: 'user', content: extractUserPrompt(conversation, new Date().toISOString()) },
      ],
      factsAnswer(maxFacts),
      signal,
    );
    const facts = extracted.value.facts;
    const receipt = (decide?: Step<unknown>, decisions: Decision[] = []): ExtractionReceipt => {
      const decideUsage = decide?.usage ?? noTokens();
      return {
        dryRun: request.dryRun === true,
        model: decide?.model ?? extracted.model,
        chatCalls: extracted.calls + (decide?.calls ?? 0),
        usage: {
          extract: extracted.usage,
          decide: decideUsage,
          total: {
            promptTokens: extracted.usage.promptTokens + decideUsage.promptTokens,
            completionTokens: extracted.usage.completionTokens + decideUsage.completionTokens,
          },
        },
        decisions,
      };
    };
    if (facts.length === 0) return receipt();

    const nearest = await this.nearestMemories(caller, facts, neighbours);
    const decidePrompt = decideUserPrompt(facts, nearest, maxPromptChars);
    if (!decidePrompt) {
      throw new UnusableModelAnswer(
        `The facts the model extracted alone pass EXTRACTION_MAX_PROMPT_CHARS (${maxPromptChars}); nothing was stored.`,
      );
    }
    // Only the memories the prompt showed may be acted on.
    const existing = nearest.slice(0, decidePrompt.shown);
    const decided = await this.ask(
      'decide',
      [
        { role: 'system', content: DECIDE_SYSTEM_PROMPT },
        { role: 'user', content: decidePrompt.prompt },
      ],
      decisionsAnswer,
      signal,
    );
    const plan = this.plan(facts, existing, decided.value);
    if (request.dryRun) return receipt(decided, plan);
    if (signal?.aborted)
      throw new ClientGone(
        'The extraction stopped before storing: the client left (or the account is being deleted).',
      );
    const said = request.messages.flatMap((message) => (message.at ? [message.at] : []));
    const applied = await this.apply(caller, plan, {
      sessionId: request.sessionId,
      conversationId: request.conversationId,
      occurredAt: said.sort((a, b) => Date.parse(a) - Date.parse(b)).at(-1),
    });
    for (const decision of applied)
      this.metrics.extractionDecisions.inc({ decision: decision.action });
    return receipt(decided, applied);
  }

  /** The memories nearest to any candidate, each once, in the order first found. */
  private async nearestMemories(
    caller: Caller,
    facts: Array<{ content: string }>,
    perFact: number,
  ): Promise<Memory[]> {
    const found = await Promise.all(
      facts.map((fact) =>
        this.memories.search(caller, { query: fact.content, limit: perFact, rerank: false }),
      ),
    );
    const byId = new Map<string, Memory>();
    for (const memory of found.flat()) if (!byId.has(memory.id)) byId.set(memory.id, memory);
    return [...byId.values()];
  }

  /**
   * One decision per candidate, in candidate order. A candidate the model left out is added
   * (nothing learned is dropped silently); a decision naming no memory it was shown, or a memory
   * another decision already acts on, becomes none, with a note saying why.
   */
  private plan(
    facts: Array<{ content: string; type: string }>,
    existing: Memory[],
    answer: DecisionsAnswer,
  ): Decision[] {
    const claimed = new Set<string>();
    return facts.map((fact, index) => {
      const given = answer.decisions.find((d) => d.fact === index + 1);
      const decision: Decision = {
        fact,
        action: given ? (given.action.toLowerCase() as Decision['action']) : 'add',
        memoryId: null,
        targetId: null,
        content: null,
        ...(given ? {} : { note: 'the model gave no decision for this fact: added' }),
      };
      if (decision.action === 'add' || decision.action === 'none') return decision;
      const target = given!.memory === null ? undefined : existing[given!.memory - 1];
      const none = (note: string): Decision => ({ ...decision, action: 'none', note });
      if (!target) return none(`the model named no memory it was shown for ${decision.action}`);
      if (claimed.has(target.id)) return none('another decision already acts on that memory');
      claimed.add(target.id);
      if (decision.action === 'update') {
        if (!given!.content) return none('the model gave no content for update');
        return { ...decision, targetId: target.id, memoryId: target.id, content: given!.content };
      }
      return {
        ...decision,
        targetId: target.id,
        memoryId: decision.action === 'delete' ? target.id : null,
      };
    });
  }

  /** Applies the plan in order; if any step fails, the steps before it are undone and it throws. */
  private async apply(caller: Caller, plan: Decision[], from: LearnedFrom): Promise<Decision[]> {
    const undo: Array<() => Promise<unknown>> = [];
    const byExtraction = (event: Change['event']): Change => ({ event, cause: 'extraction' });
    const store = async (fact: Decision['fact']): Promise<Memory> => {
      const { memory, created } = await this.memories.create(caller, {
        content: fact.content,
        type: fact.type,
        metadata: SOURCE,
        ...from,
      });
      if (created) {
        undo.push(() => this.memories.removeMany(caller, [memory.id]));
        return memory;
      }
      if (memory.status === 'current') return memory;
      // Learned again after it had been superseded or retracted: it is current again.
      return this.change(caller, memory, { status: 'current' }, byExtraction('restored'), undo);
    };
    const done: Decision[] = [];
    try {
      for (const decision of plan) {
        switch (decision.action) {
          case 'add': {
            done.push({ ...decision, memoryId: (await store(decision.fact)).id });
            break;
          }
          case 'update': {
            const target = await this.memories.get(caller, decision.targetId!);
            try {
              await this.change(
                caller,
                target,
                { content: decision.content! },
                byExtraction('updated'),
                undo,
              );
              done.push(decision);
            } catch (error) {
              if (!(error instanceof DuplicateMemory)) throw error;
              done.push({ ...decision, action: 'none', note: 'that text is stored already' });
            }
            break;
          }
          case 'supersede': {
            const target = await this.memories.get(caller, decision.targetId!);
            const stored = await store(decision.fact);
            if (stored.id === target.id) {
              done.push({
                ...decision,
                action: 'none',
                memoryId: stored.id,
                note: 'the same memory',
              });
              break;
            }
            await this.change(
              caller,
              target,
              { status: 'superseded', supersededBy: stored.id },
              byExtraction('superseded'),
              undo,
            );
            done.push({ ...decision, memoryId: stored.id });
            break;
          }
          case 'delete': {
            const target = await this.memories.get(caller, decision.targetId!);
            await this.change(
              caller,
              target,
              { status: 'retracted' },
              byExtraction('retracted'),
              undo,
            );
            done.push(decision);
            break;
          }
          case 'none':
            done.push(decision);
        }
      }
      return done;
    } catch (error) {
      for (const step of undo.reverse()) {
        await step().catch((undoError: Error) =>
          this.logger.error(`Undoing an extraction step failed: ${undoError.message}`),
        );
      }
      throw error;
    }
  }

  /** Changes a memory and remembers how to put it back. */
  private async change(
    caller: Caller,
    before: Memory,
    patch: Parameters<MemoryService['update']>[2],
    change: Change,
    undo: Array<() => Promise<unknown>>,
  ): Promise<Memory> {
    const after = await this.memories.update(caller, before.id, patch, change);
    undo.push(() =>
      this.memories.update(
        caller,
        before.id,
        {
          content: before.content,
          type: before.type,
          tags: before.tags,
          metadata: before.metadata,
          status: before.status,
          supersededBy: before.supersededBy,
          expiresAt: before.expiresAt,
          pinned: before.pinned,
        },
        { event: 'restored', cause: 'extraction' },
      ),
    );
    return after;
  }

  /** One chat call for a JSON answer; a malformed answer is asked for once more, then refused. */
  private async ask<T>(
    step: 'extract' | 'decide',
    messages: ChatMessage[],
    schema: z.ZodType<T>,
    signal?: AbortSignal,
  ): Promise<Step<T>> {
    const usage = noTokens();
    let why = '';
    for (let attempt = 1; attempt <= 2; attempt++) {
      let completion: Completion;
      try {
        completion = await this.chat.complete(messages, {
          maxTokens: this.config.extraction.maxTokens,
          temperature: TEMPERATURE,
          signal,
          jsonSchema: {
            name: step === 'extract' ? 'facts' : 'decisions',
            schema: jsonSchemaOf(schema),
          },
        });
      } catch (error) {
        this.metrics.extractionChatCalls.inc({ step, outcome: 'error' });
        throw error;
      }
      usage.promptTokens += completion.usage.promptTokens;
      usage.completionTokens += completion.usage.completionTokens;
      this.metrics.extractionTokens.inc({ direction: 'prompt' }, completion.usage.promptTokens);
      this.metrics.extractionTokens.inc(
        { direction: 'completion' },
        completion.usage.completionTokens,
      );
      const answer = readAnswer(completion.content, schema);
      if (answer.ok) {
        this.metrics.extractionChatCalls.inc({ step, outcome: 'success' });
        return { value: answer.value, calls: attempt, usage, model: completion.model };
      }
      this.metrics.extractionChatCalls.inc({ step, outcome: 'malformed' });
      why = answer.why;
      // The answer itself holds user data: only its defect is logged.
      this.logger.warn(
        `Extraction step ${step}: unusable answer (${why}), attempt ${attempt} of 2`,
      );
    }
    throw new UnusableModelAnswer(
      `The language model's answer to the ${step} step was unusable twice (${why}); nothing was stored.`,
    );
  }
}
