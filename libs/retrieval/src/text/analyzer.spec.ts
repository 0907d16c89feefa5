import { analyze, queryTerms } from './analyzer.js';
import { baseForm } from './base-form.js';

describe('analyze', () => {
  it('drops stop words and puts irregular forms in their base form', () => {
    expect(analyze('I bought presents for the children')).toEqual(['buy', 'presents', 'child']);
    expect(analyze('Who went running with the geese?')).toEqual(['go', 'run', 'goose']);
  });

  it('lets a question meet a message said in another form of its words', () => {
    const asked = queryTerms('When did Maya fly? What did she buy?');
    const said = new Set(analyze('Maya: Flew out Tuesday. Bought him rum at the airport'));
    expect(asked.filter((term) => said.has(term))).toEqual(['maya', 'fly', 'buy']);
  });

  it('leaves words WordNet does not list as they are: names, slang, numbers', () => {
    expect(analyze('Tobi and Skerrin lol 3900')).toEqual(['tobi', 'skerrin', 'lol', '3900']);
  });
});

describe('baseForm', () => {
  /** The words that baseForm leaves as they are. */
  const unchanged = (words: string[]) => words.filter((word) => baseForm(word) === word);

  it('maps irregular verbs and plurals', () => {
    expect(['flew', 'saw', 'thought', 'left', 'mice', 'women'].map(baseForm)).toEqual([
      'fly',
      'see',
      'think',
      'leave',
      'mouse',
      'woman',
    ]);
  });

  it('leaves regular forms to Porter stemming, which already joins them', () => {
    // A lemmatizer's rules would give "life", "hop", "jam" and "bos" here, and split these from
    // "live", "hope", "James" and "bosses", which Porter stems alike. An irregular plural in -s
    // is most often a verb's -s form too ("she leaves on Monday").
    const regular = ['lives', 'hoped', 'james', 'boss', 'studies', 'leaves'];
    expect(unchanged(regular)).toEqual(regular);
  });

  it('leaves a form far commoner than its base alone: mostly a word of its own', () => {
    // "a bit", "the ground", "the rent", "won't", "born", "a dive" (WordNet: plural of diva).
    const ownWords = ['bit', 'ground', 'rent', 'won', 'born', 'dive'];
    expect(unchanged(ownWords)).toEqual(ownWords);
  });

  it('answers a word for any key, including those of a plain object', () => {
    const keys = ['constructor', '__proto__', 'hasOwnProperty', 'toString'];
    expect(unchanged(keys)).toEqual(keys);
  });
});
