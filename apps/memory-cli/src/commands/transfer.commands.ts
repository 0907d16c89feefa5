import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { UserAdministration } from '@memory-system/auth';
import { actingFor, assertSubjectId, type Caller } from '@memory-system/core';
import { MemoryTransferService, SubjectRegistry } from '@memory-system/memory';
import type { INestApplicationContext } from '@nestjs/common';
import { type CliCommand, type CommandLine, option } from './command.js';

/**
 * The named user, or with --subject one of their subjects (as the admin routes' ?subject=), as
 * the caller: every store call of the transfer is scoped to that memory space.
 */
async function userCaller(app: INestApplicationContext, line: CommandLine): Promise<Caller> {
  const user = await app.get(UserAdministration).find(option(line, 'user')!);
  const owner: Caller = {
    userId: user.id,
    role: user.role,
    via: 'system',
    scopes: ['memories:read', 'memories:write', 'subjects'],
  };
  return actingFor(owner, option(line, 'subject'));
}

/** A usage problem with --user and --subject (a bad subject id is refused before anything starts). */
function checkUserAndSubject(line: CommandLine, command: string): string | undefined {
  if (!option(line, 'user')) return `${command} needs --user <name>.`;
  if (!line.options.has('subject')) return undefined;
  try {
    assertSubjectId(option(line, 'subject'), '--subject');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export const transferCommands: Record<string, CliCommand> = {
  export: {
    usage: [
      [
        'export --user <name> [--subject <id>] [--embeddings] [--out file.ndjson]',
        "a user's (or one of their subjects') memories as NDJSON (to stdout without --out)",
      ],
    ],
    check: (line) => checkUserAndSubject(line, 'export'),
    run: async (app, line, progress) => {
      const caller = await userCaller(app, line);
      const file = option(line, 'out');
      const out = file ? createWriteStream(file, { mode: 0o600 }) : process.stdout;
      const lines = app
        .get(MemoryTransferService)
        .export(caller, { embeddings: line.options.has('embeddings') }, (done) =>
          progress({ phase: 'export', done }),
        );
      let memories = -1; // the header line is not a memory
      for await (const chunk of lines) {
        memories += chunk.split('\n').length - 1;
        if (!out.write(chunk)) await once(out, 'drain');
      }
      if (file) {
        out.end();
        await once(out, 'finish');
      }
      progress.end();
      console.error(`Exported ${memories} memories${file ? ` to ${file}` : ''}`);
    },
  },
  import: {
    usage: [
      [
        'import --user <name> [--subject <id>] <file.ndjson>',
        "store an export in a user's (or one of their subjects') memories (checked first)",
      ],
    ],
    check: (line) =>
      line.words[0]
        ? checkUserAndSubject(line, 'import')
        : 'import needs --user <name> and a file.',
    run: async (app, line, progress) => {
      // A subject imported into is listed and erasable like one a key acted for.
      const caller = await app.get(SubjectRegistry).enter(await userCaller(app, line));
      const text = await readFile(line.words[0]!, 'utf8');
      const report = await app
        .get(MemoryTransferService)
        .import(caller, text, (done, total) => progress({ phase: 'import', done, total }));
      progress.end();
      console.log(
        `Imported ${report.memories} memories: ${report.created} stored, ${report.existing} already there${report.reembedded ? ' (embedded again)' : ''}`,
      );
    },
  },
};
