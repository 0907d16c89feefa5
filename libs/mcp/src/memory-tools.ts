import { type Caller, type Scope, validateAs } from '@memory-system/core';
import {
  checkedContextRequest,
  CONTEXT_BUDGET_MAX,
  ContextBuilder,
  ContextRequestDto,
  CreateMemoryDto,
  ExtractionService,
  ExtractMemoriesDto,
  ListMemoriesQuery,
  MemoryIdPipe,
  MemoryLimits,
  MemoryService,
  SearchMemoriesDto,
  UpdateMemoryDto,
  UuidOr404,
} from '@memory-system/memory';
import {
  SessionContextQuery,
  SessionContextService,
  sessionNotFound,
} from '@memory-system/session';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** One MCP tool: what it is for, what it takes, what it needs, what it does. */
export interface MemoryTool {
  name: string;
  title: string;
  description: string;
  /** The caller needs every one of these (as the matching REST route does). */
  scopes: Scope[];
  input: z.ZodRawShape;
  annotations: ToolAnnotations;
  /** `signal`: aborted when the call is abandoned (its client left). */
  run(
    caller: Caller,
    args: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown>>;
}

// Ids are judged as the REST routes judge them (arguments go through validateAs, as bodies do).
const memoryId = new MemoryIdPipe();
const sessionId = new UuidOr404(sessionNotFound);

// Passed on untouched (a record schema would rebuild the object and silently drop a key such as
// `__proto__`); the REST validation below then judges it, reserved keys included.
const metadata = z.unknown().meta({
  type: 'object',
  additionalProperties: { type: ['string', 'number', 'boolean'] },
  description: `Flat key/value pairs (string, number or boolean values), at most ${MemoryLimits.metadataMaxKeys} keys.`,
});
const tags = z
  .array(z.string())
  .max(MemoryLimits.tagsMax)
  .describe('Labels: 1-64 letters, digits, spaces or _ . : -');
const type = z
  .string()
  .describe('A kind of memory: fact, preference, event, note, insight, ... (a letter first).');
const lifecycle = {
  expiresAt: z
    .string()
    .optional()
    .describe('ISO 8601 date-time after which the memory is never returned (or give ttl).'),
  ttl: z.number().int().optional().describe('Seconds until the memory expires.'),
  pinned: z.boolean().optional().describe('A pinned memory never expires or decays.'),
};
const includeSuperseded = z
  .boolean()
  .optional()
  .describe('Also superseded and retracted memories (marked by their status).');
const id = z.string().describe('The memory id (a UUID) from remember, recall or list.');
const conversationId = z
  .string()
  .describe('The conversation (thread) it was said in, at most 128 characters.');
const occurredAt = z
  .string()
  .describe('ISO 8601 date-time it was said or happened (default: now).');
/** A window on when memories occurred (occurredAt, else createdAt), as the REST filters take it. */
const occurredWindow = {
  occurredAfter: z
    .string()
    .optional()
    .describe('ISO 8601: only memories that occurred at or after this moment (inclusive).'),
  occurredBefore: z
    .string()
    .optional()
    .describe('ISO 8601: only memories that occurred before this moment (exclusive).'),
};

/** The tools an agent gets, on the same services (and so the same rules) as the REST API. */
export function memoryTools(
  memories: MemoryService,
  contexts: SessionContextService,
  builder: ContextBuilder,
): MemoryTool[] {
  return [
    {
      name: 'remember',
      title: 'Remember',
      description:
        'Store a memory for later: a fact, preference or event about the user, in one self-contained ' +
        'sentence. Storing the same content and type again returns the memory already stored.',
      scopes: ['memories:write'],
      input: {
        content: z
          .string()
          .describe(`The text to remember (at most ${MemoryLimits.contentMaxChars} characters).`),
        type: type
          .optional()
          .describe('A kind of memory (default "note"): fact, preference, event, ...'),
        tags: tags.optional(),
        metadata: metadata.optional(),
        sessionId: z.string().optional().describe('The session (UUID) this memory belongs to.'),
        conversationId: conversationId.optional(),
        occurredAt: occurredAt.optional(),
        ...lifecycle,
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
      run: async (caller, args) => {
        const input = await validateAs(CreateMemoryDto, { type: 'note', ...args });
        const { memory, created } = await memories.create(caller, input);
        return { created, memory };
      },
    },
    {
      name: 'recall',
      title: 'Recall',
      description:
        'Find the memories that best answer a question, best first (keyword and meaning combined by ' +
        'default). Ask in natural language; filter by type, tags, metadata, session, conversation or ' +
        'when memories were created or occurred.',
      scopes: ['memories:read'],
      input: {
        query: z.string().describe('What to look for, e.g. "what coffee does the user like?"'),
        limit: z
          .number()
          .int()
          .optional()
          .describe(`How many (1-${MemoryLimits.searchLimitMax}, default 10).`),
        mode: z
          .enum(['hybrid', 'vector', 'keyword'])
          .optional()
          .describe(
            'hybrid (default): keyword and meaning; vector: meaning only; keyword: BM25 only.',
          ),
        minScore: z.number().optional().describe('Drop results scoring below this (-1 to 1).'),
        includeSuperseded,
        halfLifeDays: z
          .number()
          .optional()
          .describe('Favour recent memories: scores halve every this many days (0: off).'),
        referenceDate: z
          .string()
          .optional()
          .describe('ISO 8601 "now" for the question: "last month" is read against it.'),
        filter: z
          .object({
            type: type.optional(),
            tags: tags.optional().describe('Only memories with every one of these tags.'),
            metadata: metadata
              .optional()
              .describe('Only memories whose metadata has these values.'),
            sessionId: z.string().optional(),
            conversationId: conversationId.optional(),
            createdAfter: z.string().optional().describe('ISO 8601 date-time.'),
            createdBefore: z.string().optional().describe('ISO 8601 date-time.'),
            ...occurredWindow,
          })
          .optional(),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
      run: async (caller, args) => {
        const search = await validateAs(SearchMemoriesDto, args);
        const outcome = await memories.searchWithReport(caller, search);
        return { ...outcome };
      },
    },
    {
      name: 'list',
      title: 'List memories',
      description:
        'List stored memories a page at a time, in a stable order (pass nextCursor back for more).',
      scopes: ['memories:read'],
      input: {
        limit: z
          .number()
          .int()
          .optional()
          .describe(
            `Page size (1-${MemoryLimits.listLimitMax}, default ${MemoryLimits.listLimitDefault}).`,
          ),
        cursor: z.string().optional().describe('nextCursor from the previous page.'),
        type: type.optional(),
        tag: z.string().optional().describe('Only memories with this tag.'),
        sessionId: z.string().optional().describe('Only memories of this session.'),
        conversationId: conversationId
          .optional()
          .describe('Only this conversation, in the order its memories occurred.'),
        ...occurredWindow,
        includeSuperseded,
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
      run: async (caller, args) => {
        const query = await validateAs(ListMemoriesQuery, args);
        return { ...(await memories.list(caller, query)) };
      },
    },
    {
      name: 'get',
      title: 'Get a memory',
      description: 'One memory by its id.',
      scopes: ['memories:read'],
      input: { id },
      annotations: { readOnlyHint: true, openWorldHint: false },
      run: async (caller, args) => ({
        memory: await memories.get(caller, memoryId.transform(String(args.id))),
      }),
    },
    {
      name: 'update',
      title: 'Update a memory',
      description:
        'Correct a memory: only the fields given change (tags and metadata, when given, replace the old ones).',
      scopes: ['memories:write'],
      input: {
        id,
        content: z.string().optional(),
        type: type.optional(),
        tags: tags.optional(),
        metadata: metadata.optional(),
        conversationId: conversationId.nullable().optional(),
        occurredAt: occurredAt.optional(),
        ...lifecycle,
        expiresAt: lifecycle.expiresAt.nullable().describe('null: never expires.'),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
      run: async (caller, { id: given, ...patch }) => {
        const target = memoryId.transform(String(given));
        return {
          memory: await memories.update(caller, target, await validateAs(UpdateMemoryDto, patch)),
        };
      },
    },
    {
      name: 'forget',
      title: 'Forget a memory',
      description: 'Delete a memory for good, by its id.',
      scopes: ['memories:write'],
      input: { id },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
      run: async (caller, args) => {
        const target = memoryId.transform(String(args.id));
        await memories.remove(caller, target);
        return { deleted: target };
      },
    },
    {
      name: 'session_context',
      title: 'Session context',
      description:
        "A session's recent context window, with the memories most relevant to a query (or, without " +
        'one, the memories stored in that session): what to read before answering in that session.',
      scopes: ['sessions', 'memories:read'],
      input: {
        sessionId: z.string().describe('The session id (a UUID).'),
        query: z.string().optional().describe('Find the memories closest to this.'),
        limit: z
          .number()
          .int()
          .optional()
          .describe(`How many memories (1-${MemoryLimits.searchLimitMax}, default 10).`),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
      run: async (caller, { sessionId: given, ...rest }) => {
        const options = await validateAs(SessionContextQuery, rest);
        return { ...(await contexts.of(caller, sessionId.transform(String(given)), options)) };
      },
    },
    {
      name: 'context',
      title: 'Context',
      description:
        'Prompt-ready text of the memories most useful for a question or the recent conversation ' +
        "(and a session's recent turns when named), fitted to a token budget, most useful first; " +
        'each memory line starts with its id.',
      scopes: ['memories:read'],
      input: {
        query: z.string().optional().describe('What the answer is about (or give messages).'),
        messages: z
          .array(z.object({ role: z.enum(['user', 'assistant', 'system']), content: z.string() }))
          .optional()
          .describe('The conversation, oldest first (or give query).'),
        sessionId: z
          .string()
          .optional()
          .describe("Also this session's recent turns (needs the sessions scope)."),
        tokenBudget: z
          .number()
          .int()
          .optional()
          .describe(`The most tokens the text may take (1-${CONTEXT_BUDGET_MAX}, default 1000).`),
        types: z.array(type).optional().describe('Only memories of these types.'),
        tags: tags.optional().describe('Only memories with every one of these tags.'),
        ...occurredWindow,
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
      run: async (caller, args) => {
        const request = await validateAs(ContextRequestDto, args);
        return { ...(await builder.build(caller, checkedContextRequest(caller, request))) };
      },
    },
  ];
}

/** The extract tool: only offered where a language model is configured. */
export function extractionTool(extraction: ExtractionService): MemoryTool {
  return {
    name: 'extract',
    title: 'Learn from a conversation',
    description:
      'Give the recent conversation; the service extracts durable facts about the user and keeps ' +
      'memory true: new facts are added, refinements update a memory, contradictions supersede ' +
      'the old memory, retractions retract it. Answers a receipt of every decision. dryRun: plan only.',
    scopes: ['memories:write'],
    input: {
      messages: z
        .array(
          z.object({
            role: z.enum(['user', 'assistant', 'system']),
            content: z.string(),
            at: z.string().optional().describe('ISO 8601 date-time it was said.'),
          }),
        )
        .describe('The conversation, oldest first.'),
      sessionId: z.string().optional().describe('The session (UUID) new memories belong to.'),
      conversationId: conversationId
        .optional()
        .describe('The conversation new memories belong to (they occur at the last message).'),
      dryRun: z.boolean().optional().describe('Return the plan and store nothing.'),
    },
    annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: false },
    run: async (caller, args, signal) => ({
      ...(await extraction.extract(caller, {
        ...(await validateAs(ExtractMemoriesDto, args)),
        signal,
      })),
    }),
  };
}
