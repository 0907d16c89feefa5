/**
 * Counts tokens the way a chat model would, so text can be fitted to a token budget. The count
 * is one tokenizer's: a model with another tokenizer counts a little differently (the README
 * gives the measured difference).
 */
export abstract class TokenCounter {
  /** Names the tokenizer, e.g. `gpt-tokenizer o200k_base`. */
  abstract readonly name: string;
  abstract count(text: string): number;
}
