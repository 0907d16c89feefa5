import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { UserAdministration } from '@memory-system/auth';
import { type Caller } from '@memory-system/core';
import { MemoryTransferService } from '@memory-system/memory';
import type { INestApplicationContext } from '@nestjs/common';
import { type CliCommand, option } from './command.js';

/** The named user as the caller: every store call of the transfer is scoped to them. */
async function userCaller(app: INestApplicationContext, name: string): Promise<Caller> {
  const user = await app.get(UserAdministration).find(name);
  return {
    userId: user.id,
    role: user.role,
    via: 'system',
    scopes: ['memories:read', 'memories:write'],
  };
}

export const transferCommands: Record<string, CliCommand> = {
  export: {
    usage: [
      [
        'export --user <name> [--embeddings] [--out file.ndjson]',
        "a user's memories as NDJSON (to stdout without --out)",
      ],
    ],
    check: (line) => (option(line, 'user') ? undefined : 'export needs --user <name>.'),
    run: async (app, line, progress) => {
      const caller = await userCaller(app, option(line, 'user')!);
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
        'import --user <name> <file.ndjson>',
        "store an export in a user's memories (checked first)",
      ],
    ],
    check: (line) =>
      option(line, 'user') && line.words[0] ? undefined : 'import needs --user <name> and a file.',
    run: async (app, line, progress) => {
      const caller = await userCaller(app, option(line, 'user')!);
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
