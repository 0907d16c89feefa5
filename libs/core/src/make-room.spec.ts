import { makeRoom } from './make-room.js';

describe('makeRoom', () => {
  it('forgets the oldest entries of a map until one more fits', () => {
    const map = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    makeRoom(map, 2);
    expect([...map.keys()]).toEqual(['c']);
    makeRoom(map, 2);
    expect([...map.keys()]).toEqual(['c']);
  });

  it('does the same for a set, and nothing while there is room', () => {
    const set = new Set(['x', 'y']);
    makeRoom(set, 3);
    expect([...set]).toEqual(['x', 'y']);
    makeRoom(set, 2);
    expect([...set]).toEqual(['y']);
  });
});
