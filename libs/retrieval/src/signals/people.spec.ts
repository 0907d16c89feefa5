import { concernsPeople, peopleNamedIn } from './people.js';

describe('people named in a query', () => {
  it('takes capitalised names, not question words, months or stop words', () => {
    expect(peopleNamedIn('What did Priya tell Tomas in May?')).toEqual(['priya', 'tomas']);
    expect(peopleNamedIn("Which craft has José's sister been learning?")).toEqual(['jose']);
    expect(peopleNamedIn('When did I start? Is it Monday')).toEqual([]);
    expect(peopleNamedIn('what did she say')).toEqual([]);
  });

  it('finds memories that name a person or that they said', () => {
    const people = ['priya'];
    expect(concernsPeople({ text: 'Priya: got the keys!' }, people)).toBe(true);
    expect(concernsPeople({ text: 'got the keys!', speaker: 'Priya' }, people)).toBe(true);
    expect(concernsPeople({ text: 'Tomas: congrats to Priya' }, people)).toBe(true);
    expect(concernsPeople({ text: 'Tomas: new job', speaker: 'Tomas' }, people)).toBe(false);
    expect(concernsPeople({ text: 'anything' }, [])).toBe(false);
  });
});
