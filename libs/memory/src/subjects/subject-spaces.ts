import { StateStore } from '@memory-system/state';
import { userHashOf } from '@memory-system/vector';
import { SUBJECTS } from './subject-registry.js';

/**
 * The collection hashes (userHashOf) of every account's subjects: what tells a subject's memory
 * space from a user's where only collections are seen (re-embedding, /health).
 */
export async function subjectSpaceHashes(state: StateStore): Promise<Set<string>> {
  const hashes = new Set<string>();
  for (let after: string | undefined; ;) {
    const page = await state.list<unknown>(SUBJECTS, { limit: 500, after });
    for (const entry of page) hashes.add(userHashOf(entry.id));
    if (page.length < 500) return hashes;
    after = page.at(-1)!.id;
  }
}

/** "2 users", or "2 users and 3 subjects" when there are subjects, for reports and log lines. */
export function usersAndSubjects(counts: { users: number; subjects: number }): string {
  const users = `${counts.users} users`;
  return counts.subjects ? `${users} and ${counts.subjects} subjects` : users;
}
