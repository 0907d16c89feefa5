import { analyze, queryTerms } from './analyzer.js';
import { baseForm } from './base-form.js';

describe('analyze', () => {
  it('drops stop words and puts each word in its dictionary form', () => {
    expect(analyze('I bought presents for the children')).toEqual(['buy', 'present', 'child']);
    expect(analyze('Who went running with the geese?')).toEqual(['go', 'run', 'goose']);
  });

  it('lets a question meet a message said in another form of its words', () => {
    const asked = queryTerms('When did Maya fly? What did she buy?');
    const said = new Set(analyze('Maya: Flew out Tuesday. Bought him rum at the airport'));
    expect(asked.filter((term) => said.has(term))).toEqual(['maya', 'fly', 'buy']);
  });

  it('leaves words WordNet does not know as they are: names, slang, numbers', () => {
    expect(analyze('Tobi and Skerrin lol 3900')).toEqual(['tobi', 'skerrin', 'lol', '3900']);
  });
});

describe('baseForm', () => {
  it('takes a known plural as its noun, else the verb form', () => {
    expect(baseForm('studies')).toBe('study');
    expect(baseForm('studying')).toBe('study');
    expect(baseForm('left')).toBe('leave');
    expect(baseForm('presents')).toBe('present');
    expect(baseForm('quickly')).toBe('quickly');
  });
});
