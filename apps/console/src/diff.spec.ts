import { diffWords } from './diff';

describe('diffWords', () => {
  it('marks the words a new version removed and added, keeping the rest', () => {
    expect(
      diffWords('Alice plays the cello on Sundays', 'Alice plays the violin on Sundays'),
    ).toEqual([
      { text: 'Alice plays the ', kind: 'same' },
      { text: 'cello', kind: 'removed' },
      { text: 'violin', kind: 'added' },
      { text: ' on Sundays', kind: 'same' },
    ]);
  });

  it('gives back each text whole when one side is all new', () => {
    expect(diffWords('', 'new text')).toEqual([{ text: 'new text', kind: 'added' }]);
    expect(diffWords('old', '')).toEqual([{ text: 'old', kind: 'removed' }]);
  });

  it('reassembles both versions from its parts', () => {
    const before = 'the user likes green tea and lives in Porto';
    const after = 'the user likes black coffee and now lives in Lisbon';
    const parts = diffWords(before, after);
    const side = (kind: string) =>
      parts
        .filter((part) => part.kind === 'same' || part.kind === kind)
        .map((part) => part.text)
        .join('');
    expect(side('removed')).toBe(before);
    expect(side('added')).toBe(after);
  });
});
