import type { Caller } from './caller.js';
import { accountIdOf } from './caller.js';
import { actingFor } from './subject.js';

const key = (scopes: Caller['scopes']): Caller => ({
  userId: 'owner-1',
  role: 'user',
  via: 'api-key',
  scopes,
});

describe('actingFor', () => {
  it('leaves a request without the header in its owner space', () => {
    const caller = key(['memories:read']);
    expect(actingFor(caller, undefined)).toBe(caller);
  });

  it('puts a request naming a subject in that subject space, the account kept', () => {
    const acting = actingFor(key(['memories:read', 'subjects']), 'end-user@app:42');
    expect(acting.userId).toBe('owner-1/end-user@app:42');
    expect(acting.subject).toEqual({ id: 'end-user@app:42', ownerId: 'owner-1' });
    expect(accountIdOf(acting)).toBe('owner-1');
  });

  it('gives two owners two spaces for the same subject id', () => {
    const other = { ...key(['subjects']), userId: 'owner-2' };
    expect(actingFor(other, 'u1').userId).not.toBe(actingFor(key(['subjects']), 'u1').userId);
  });

  it.each(['', 'a b', 'x'.repeat(129), 'a/b', 'é'])(
    'refuses %j with a 400 naming the rule',
    (id) => {
      expect(() => actingFor(key(['subjects']), id)).toThrow(
        expect.objectContaining({ status: 400, message: expect.stringContaining('1 to 128') }),
      );
    },
  );

  it('refuses a key without the subjects scope with a 403 naming it', () => {
    expect(() => actingFor(key(['memories:read']), 'u1')).toThrow(
      expect.objectContaining({ status: 403, message: expect.stringContaining('subjects') }),
    );
  });

  it('refuses two subject headers', () => {
    expect(() => actingFor(key(['subjects']), ['u1', 'u2'])).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });
});
