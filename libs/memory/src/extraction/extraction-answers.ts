import { z } from 'zod';
import { MemoryLimits } from '../domain/memory-limits.js';

/**
 * The two answers extraction asks the LLM for, as zod schemas: each is sent as the JSON schema of
 * `response_format` (vLLM enforces it by guided decoding) and the answer is validated against it
 * again here, since not every OpenAI-compatible server enforces a schema.
 */
export const FACT_TYPES = ['fact', 'preference', 'event', 'plan', 'relationship'] as const;
export const ACTIONS = ['ADD', 'UPDATE', 'SUPERSEDE', 'DELETE', 'NONE'] as const;
export type Action = (typeof ACTIONS)[number];

/** Longest fact the model may state: a fact is one sentence, far below a memory's limit. */
const FACT_MAX_CHARS = Math.min(1_000, MemoryLimits.contentMaxChars);

export const factsAnswer = (maxFacts: number) =>
  z.object({
    facts: z
      .array(
        z.object({
          content: z.string().trim().min(1).max(FACT_MAX_CHARS),
          type: z.enum(FACT_TYPES),
        }),
      )
      .max(maxFacts),
  });
export type FactsAnswer = z.infer<ReturnType<typeof factsAnswer>>;

export const decisionsAnswer = z.object({
  decisions: z.array(
    z.object({
      /** The candidate fact's number, from 1. */
      fact: z.number().int().min(1),
      action: z.enum(ACTIONS),
      /** The existing memory's number (from 1) for UPDATE, SUPERSEDE and DELETE; else null. */
      memory: z.number().int().min(1).nullable(),
      /** UPDATE: the refined text of the memory; else null. */
      content: z.string().trim().min(1).max(FACT_MAX_CHARS).nullable(),
    }),
  ),
});
export type DecisionsAnswer = z.infer<typeof decisionsAnswer>;

/** The JSON schema of a zod schema, as response_format takes it. */
export const jsonSchemaOf = (schema: z.ZodType): object =>
  z.toJSONSchema(schema, { target: 'draft-7' }) as object;

/**
 * Parses an answer against its schema: the value, or why it is unusable (for the retry's log and
 * the error the caller sees; never the answer itself, which holds user data).
 */
export function readAnswer<T>(
  text: string,
  schema: z.ZodType<T>,
): { ok: true; value: T } | { ok: false; why: string } {
  let value: unknown;
  try {
    value = JSON.parse(withoutFence(text));
  } catch {
    return { ok: false, why: 'the answer is not JSON' };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, why: `${issue.path.join('.') || 'the answer'}: ${issue.message}` };
}

/**
 * The answer without the Markdown fence some models wrap JSON in even when asked not to. Plain
 * string checks: a regular expression anchored at the end (\s*```$) tries every position of a
 * long run of white space, quadratic in the answer's length.
 */
export function withoutFence(text: string): string {
  let body = text.trim();
  if (body.startsWith('```')) body = body.slice(body.startsWith('```json') ? 7 : 3);
  if (body.endsWith('```')) body = body.slice(0, -3);
  return body.trim();
}
