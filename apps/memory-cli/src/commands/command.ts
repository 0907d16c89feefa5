import type { INestApplicationContext } from '@nestjs/common';
import type { terminalProgress } from '../progress.js';

/** The command line after the command's name: positional words and `--flag [value]` options. */
export interface CommandLine {
  words: string[];
  options: Map<string, string | true>;
}

export interface CliCommand {
  /** For the usage text: each form of the command with what it does. */
  usage: Array<[form: string, does: string]>;
  /** A usage problem (missing argument, unknown sub-command) before anything starts, or undefined. */
  check(line: CommandLine): string | undefined;
  run(
    app: INestApplicationContext,
    line: CommandLine,
    progress: ReturnType<typeof terminalProgress>,
  ): Promise<void>;
}

/** Splits `restore x --mode replace --embeddings` into words and options. */
export function parseCommandLine(args: string[]): CommandLine {
  const words: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      options.set(arg.slice(2), next);
      i++;
    } else {
      options.set(arg.slice(2), true);
    }
  }
  return { words, options };
}

/**
 * A list's closing line: the rows on stdout are tab-separated for scripts, so what the command
 * did ("3 backups") goes to stderr, where a pipe does not read it.
 */
export function listed(count: number, noun: string): void {
  console.error(`Listed ${count} ${noun}${count === 1 ? '' : 's'}`);
}

export function option(line: CommandLine, name: string): string | undefined {
  const value = line.options.get(name);
  return typeof value === 'string' ? value : undefined;
}

const FORM_WIDTH = 36;

/** `npm run cli -- <form>  <what it does>`, one line per form (the text wraps under a long form). */
export function usageLines(commands: CliCommand[]): string {
  return commands
    .flatMap((command) => command.usage)
    .map(([form, does]) => {
      const start = `  npm run cli -- ${form}`;
      return form.length <= FORM_WIDTH
        ? `${start.padEnd(FORM_WIDTH + 18)}${does}`
        : `${start}\n${' '.repeat(FORM_WIDTH + 18)}${does}`;
    })
    .join('\n');
}
