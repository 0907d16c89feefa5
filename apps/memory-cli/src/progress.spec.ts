import { terminalProgress } from './progress.js';

describe('the CLI progress, when stderr is not a terminal', () => {
  const capture = () => {
    const lines: string[] = [];
    const stream = {
      isTTY: false,
      write: (text: string) => lines.push(...text.trimEnd().split('\n')),
    } as unknown as NodeJS.WriteStream;
    return { lines, progress: terminalProgress(stream) };
  };

  it('writes at most a line a second, then the last one, never the same line twice', () => {
    const { lines, progress } = capture();
    for (let done = 0; done <= 1000; done += 5) progress({ phase: 'reembed', done, total: 1000 });
    progress({ phase: 'reembed', done: 1000, total: 1000 });
    expect(lines.at(-1)).toBe('reembed: 1000/1000 (100%)');
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines.length).toBeLessThanOrEqual(12);
  });

  it('says nothing for a phase that has done nothing of an unknown amount yet', () => {
    const { lines, progress } = capture();
    progress({ phase: 'verify', done: 0 });
    progress({ phase: 'restore', done: 3, total: 3 });
    expect(lines).toEqual(['restore: 3/3 (100%)']);
  });
});
