import { InvalidRequest } from '@memory-system/core';
import { parseJsonBody } from './body-parsers.js';

const body = (text: string) => Buffer.from(text);

describe('parseJsonBody', () => {
  it('parses an object or an array, and takes an empty body as {}', () => {
    expect(parseJsonBody(body('{"content":"x","n":[1,2]}'))).toEqual({ content: 'x', n: [1, 2] });
    expect(parseJsonBody(body('[{"a":1}]'))).toEqual([{ a: 1 }]);
    expect(parseJsonBody(body(''))).toEqual({});
  });

  it('keeps "__proto__" as a plain key, for validation to name it', () => {
    const parsed = parseJsonBody(body('{"__proto__":{"polluted":true}}')) as object;
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it.each([
    ['broken JSON', '{"content": ', /not valid JSON: /],
    ['a bare string', '"just text"', /send an object or an array/],
    ['null', 'null', /send an object or an array/],
    ['a number', '42', /send an object or an array/],
    ['a body nested past the limit', '['.repeat(40) + ']'.repeat(40), /nests deeper than 32/],
  ])('refuses %s with a 400 that says why', (_name, text, detail) => {
    let refused: unknown;
    try {
      parseJsonBody(body(text));
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(InvalidRequest);
    expect((refused as InvalidRequest).message).toMatch(detail);
  });
});
