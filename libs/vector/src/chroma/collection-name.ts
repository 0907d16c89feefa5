import { createHash } from 'node:crypto';
import type { VectorScope } from '../vector-store.port.js';

function slug(model: string): string {
  const cleaned = model
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return (cleaned || 'model').slice(0, 48).replace(/[^a-z0-9]+$/, '');
}

/**
 * `mem-<user hash>-<model slug>-<dimension>`: one collection per user and embedding space.
 * The hash keeps user ids out of Chroma's names; the model hash suffix keeps two models whose
 * slugs collide apart. Always 3-512 characters of [a-z0-9._-], starting and ending alphanumeric.
 */
export function collectionNameFor(scope: VectorScope): string {
  return collectionNameForHash(userHashOf(scope.userId), scope);
}

/** The same name from the user's hash (whole-store work, which never sees user ids). */
export function collectionNameForHash(
  userHash: string,
  space: { model: string; dimension: number },
): string {
  const model = createHash('sha256').update(space.model).digest('hex').slice(0, 6);
  return `${COLLECTION_PREFIX}${userHash}-${slug(space.model)}-${model}-${space.dimension}`;
}

/** Every memory collection starts with this; other collections in the database are not ours. */
export const COLLECTION_PREFIX = 'mem-';

/** The 20-hex-digit hash that stands for a user in collection names (and the keyword index). */
export function userHashOf(userId: string): string {
  return createHash('sha256').update(userId).digest('hex').slice(0, 20);
}

/** Every collection of one user starts with this. */
export function collectionPrefixFor(userId: string): string {
  return `${COLLECTION_PREFIX}${userHashOf(userId)}-`;
}

/** The user hash a memory collection's name starts with; undefined for any other name. */
export function userHashOfCollection(name: string): string | undefined {
  return /^mem-([0-9a-f]{20})-/.exec(name)?.[1];
}
