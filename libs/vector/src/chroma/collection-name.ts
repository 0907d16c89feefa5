import { createHash } from 'node:crypto';
import { accountOfSpace, isSubjectSpace } from '@memory-system/core';
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
 * `mem-<home hash>-<model slug>-<dimension>`: one collection per home and embedding space, where
 * a user's home is their own and a subject's is one of its account's shared ones (homeHashOf).
 * The hash keeps user ids out of Chroma's names; the model hash suffix keeps two models whose
 * slugs collide apart. Always 3-512 characters of [a-z0-9._-], starting and ending alphanumeric.
 */
export function collectionNameFor(scope: VectorScope): string {
  return collectionNameForHash(homeHashOf(scope.userId), scope);
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

/** Every collection of one home starts with this. */
export function collectionPrefixForHash(homeHash: string): string {
  return `${COLLECTION_PREFIX}${homeHash}-`;
}

/** Every collection a memory space's records are in starts with this (a subject's: shared). */
export function collectionPrefixFor(space: string): string {
  return collectionPrefixForHash(homeHashOf(space));
}

/**
 * How many homes an account's subjects share, per embedding space. Chroma keeps each collection's
 * index in memory (about 2.6 MB) and 4 files open, so a collection per subject stops at a few
 * thousand subjects; one collection for all of them makes a subject's search read all of theirs.
 * 128 homes hold 10,000 subjects at about 80 each (see the README's subjects benchmark). Fixed:
 * a subject's home is derived from it, so another count would look for subjects where they are not.
 */
export const SUBJECT_HOMES = 128;

/**
 * The metadata key that names, on every record of a shared home, the subject space it belongs to
 * (its userHashOf): the vector store writes it and filters every read of a subject by it.
 */
export const SPACE_TAG = 'spaceHash';

/**
 * The hash of the collections a memory space lives in: a user's own, or for a subject one of its
 * account's SUBJECT_HOMES shared homes, chosen by the subject's hash.
 */
export function homeHashOf(space: string): string {
  if (!isSubjectSpace(space)) return userHashOf(space);
  const home = parseInt(userHashOf(space).slice(0, 8), 16) % SUBJECT_HOMES;
  return subjectHomeHash(accountOfSpace(space), home);
}

/** Every home an account's subjects may live in (an account erased drops them all). */
export function subjectHomeHashesOf(accountId: string): string[] {
  return Array.from({ length: SUBJECT_HOMES }, (_, home) => subjectHomeHash(accountId, home));
}

/** '#' is never in a subject id, so no subject's own hash can be a home's. */
function subjectHomeHash(accountId: string, home: number): string {
  return userHashOf(`${accountId}/#home-${home}`);
}

/** The user hash a memory collection's name starts with; undefined for any other name. */
export function userHashOfCollection(name: string): string | undefined {
  return /^mem-([0-9a-f]{20})-/.exec(name)?.[1];
}
