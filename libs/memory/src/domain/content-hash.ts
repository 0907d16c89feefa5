import { createHash } from 'node:crypto';

/** Identifies "the same memory": same type and same content, byte for byte. */
export function contentHash(type: string, content: string): string {
  return createHash('sha256').update(type).update('\n').update(content).digest('hex');
}
