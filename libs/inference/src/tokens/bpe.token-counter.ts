import { countTokens } from 'gpt-tokenizer';
import { TokenCounter } from './token-counter.port.js';

/** No text is special: `<|endoftext|>` in a memory is counted as the plain text it is. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * OpenAI's o200k_base byte-pair encoding (gpt-4o and later), through gpt-tokenizer: pure
 * JavaScript, synchronous, about 60 ms a megabyte here. Open chat models (Qwen, Llama) use other
 * vocabularies of similar size; the README gives the measured difference.
 */
export class BpeTokenCounter extends TokenCounter {
  readonly name = 'gpt-tokenizer o200k_base';

  count(text: string): number {
    return text.length === 0 ? 0 : countTokens(text, PLAIN_TEXT);
  }
}
