import { decodeCursor, encodeCursor } from '@memory-system/core';

type AfterCursor = { a: string };
const isAfterCursor = (v: unknown): v is AfterCursor =>
  typeof v === 'object' && v !== null && typeof (v as AfterCursor).a === 'string';

/** The id a page starts after, from a list's `cursor` (undefined: the first page). */
export function afterIdOf(cursor: string | undefined): string | undefined {
  return cursor ? decodeCursor(cursor, isAfterCursor).a : undefined;
}

/** A page of items in id order, given one item more than the page holds when there are more. */
export function idPage<T extends { id: string }>(
  fetched: T[],
  limit: number,
): { items: T[]; nextCursor: string | null } {
  const items = fetched.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: fetched.length > limit && last ? encodeCursor({ a: last.id }) : null,
  };
}
