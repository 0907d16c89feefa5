import { InvalidRequest } from './errors/domain-error.js';

/** Opaque page cursors: clients pass back what they got, never build one. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T extends Record<string, string | number>>(
  cursor: string,
  isValid: (value: unknown) => value is T,
): T {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isValid(value)) return value;
  } catch {
    // fall through to the error below
  }
  throw new InvalidRequest('cursor: not a cursor this service issued', [
    { field: 'cursor', messages: ['not a cursor this service issued'] },
  ]);
}

/** A page cursor that is a position in a list: `{ o: offset }`. */
export type OffsetCursor = { o: number };

/** Chroma takes offsets as 32-bit numbers; no page of ours is ever that far. */
const MAX_OFFSET = 1_000_000_000;

export const isOffsetCursor = (v: unknown): v is OffsetCursor =>
  typeof v === 'object' &&
  v !== null &&
  Number.isSafeInteger((v as OffsetCursor).o) &&
  (v as OffsetCursor).o >= 0 &&
  (v as OffsetCursor).o <= MAX_OFFSET;

/** A page cursor that is the last key shown: `{ k: id }` (keyset paging, stable under deletes). */
export type KeyCursor = { k: string };

export const isKeyCursor = (v: unknown): v is KeyCursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as KeyCursor).k === 'string' &&
  (v as KeyCursor).k.length > 0 &&
  (v as KeyCursor).k.length <= 128;
