import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';

const bytes = (text: string) => Buffer.from(text);

describe('nestsDeeperThan', () => {
  it('counts objects and arrays alike, and only what is open at once', () => {
    expect(nestsDeeperThan(bytes('{"a":[{"b":1}]}'), 3)).toBe(false);
    expect(nestsDeeperThan(bytes('{"a":[{"b":[1]}]}'), 3)).toBe(true);
    expect(nestsDeeperThan(bytes('[[1],[2],[3],[4],[5]]'), 2)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(bytes('{"a":"[[[[{{{{"}'), 1)).toBe(false);
    expect(nestsDeeperThan(bytes('{"a":"\\"[[[[","b":"\\\\"}'), 1)).toBe(false);
    expect(nestsDeeperThan(bytes('{"a":"\\\\","b":[[1]]}'), 2)).toBe(true);
  });

  it('refuses a body nested two million deep in one quick pass', () => {
    const deep = bytes('['.repeat(2_000_000) + ']'.repeat(2_000_000));
    const started = performance.now();
    expect(nestsDeeperThan(deep, MAX_JSON_DEPTH)).toBe(true);
    // Stops at the first level past the limit: far from reading 4 MB.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
