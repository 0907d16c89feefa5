import { StateStore } from '@memory-system/state';
import { homeHashOf } from '@memory-system/vector';
import { SUBJECTS } from './subject-registry.js';

/** Every known subject's memory space (subjectSpace), a page at a time. */
export async function* subjectSpaces(state: StateStore): AsyncGenerator<string[]> {
  for (let after: string | undefined; ;) {
    const page = await state.list<unknown>(SUBJECTS, { limit: 500, after });
    yield page.map((entry) => entry.id);
    if (page.length < 500) return;
    after = page.at(-1)!.id;
  }
}

/**
 * The homes subjects share (the hashes of their collections), with how many subjects live in
 * each: what tells subjects' collections from users' where only collections are seen
 * (re-embedding, /health).
 */
export async function subjectHomes(state: StateStore): Promise<Map<string, number>> {
  const homes = new Map<string, number>();
  for await (const spaces of subjectSpaces(state)) {
    for (const space of spaces) {
      const home = homeHashOf(space);
      homes.set(home, (homes.get(home) ?? 0) + 1);
    }
  }
  return homes;
}

/** "2 users", or "2 users and 3 subjects" when there are subjects, for reports and log lines. */
export function usersAndSubjects(counts: { users: number; subjects: number }): string {
  const users = `${counts.users} users`;
  return counts.subjects ? `${users} and ${counts.subjects} subjects` : users;
}
