import { Forbidden, InvalidRequest } from '../errors/domain-error.js';
import type { Caller } from './caller.js';

/** The header by which a key with the `subjects` scope acts for one end user of its owner's app. */
export const SUBJECT_HEADER = 'X-Memory-Subject';

const SUBJECT_ID = /^[A-Za-z0-9._@:-]{1,128}$/;
export const SUBJECT_ID_RULE = '1 to 128 characters of A-Z a-z 0-9 . _ @ : -';

/** Throws 400 naming the rule unless `id` is a subject id. */
export function assertSubjectId(id: unknown, where = SUBJECT_HEADER): asserts id is string {
  if (typeof id === 'string' && SUBJECT_ID.test(id)) return;
  throw new InvalidRequest(`${where}: a subject id is ${SUBJECT_ID_RULE}.`, [
    { field: where, messages: [`a subject id is ${SUBJECT_ID_RULE}`] },
  ]);
}

/**
 * A subject's memory space. Subject ids never hold '/', so the space cannot be taken for another
 * owner's, and two owners' subjects with the same id are two spaces.
 */
export function subjectSpace(ownerId: string, subjectId: string): string {
  return `${ownerId}/${subjectId}`;
}

/** Whether a memory space is a subject's (not an account's own). */
export function isSubjectSpace(space: string): boolean {
  return space.includes('/');
}

/** The account a memory space belongs to (a subject's space names its owner first). */
export function accountOfSpace(space: string): string {
  const slash = space.indexOf('/');
  return slash < 0 ? space : space.slice(0, slash);
}

/** The subject id of a subject's memory space (see subjectSpace). */
export function subjectOfSpace(space: string): string {
  return space.slice(accountOfSpace(space).length + 1);
}

/**
 * The caller as the request asks to act: the credentials' own caller when no subject is named,
 * otherwise the same credentials working in the subject's space. The one place the space is chosen,
 * so no route or service can forget it.
 */
export function actingFor(caller: Caller, subject: string | string[] | undefined): Caller {
  if (subject === undefined) return caller;
  if (Array.isArray(subject)) {
    throw new InvalidRequest(`${SUBJECT_HEADER}: send one subject, not ${subject.length}.`);
  }
  assertSubjectId(subject);
  if (!caller.scopes.includes('subjects')) {
    throw new Forbidden(
      `${SUBJECT_HEADER} needs the scope subjects, which this API key lacks; create a key that has it.`,
    );
  }
  const ownerId = caller.subject?.ownerId ?? caller.userId;
  return { ...caller, userId: subjectSpace(ownerId, subject), subject: { id: subject, ownerId } };
}
