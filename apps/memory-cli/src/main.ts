import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { ConfigurationError, DomainError } from '@memory-system/core';
import { CliModule } from './cli.module.js';
import { accountCommands } from './commands/account.commands.js';
import { backupCommands } from './commands/backup.commands.js';
import { type CliCommand, parseCommandLine, usageLines } from './commands/command.js';
import { transferCommands } from './commands/transfer.commands.js';
import { terminalProgress } from './progress.js';
import { StderrLogger } from './stderr-logger.js';

const COMMANDS: Record<string, CliCommand> = {
  ...backupCommands,
  ...accountCommands,
  ...transferCommands,
};

const USAGE = `memory-system admin commands

${usageLines(Object.values(COMMANDS))}

They read the same environment (.env) as the service and act on the same stores (they work when
no admin can log in). With the embedded Chroma they attach to the running service's Chroma server,
or start it when the service is stopped.`;

async function run(args: string[]): Promise<number> {
  // Everything the service writes (state, keyword index, keys, archives, exports) holds user data:
  // readable by its own user only.
  process.umask(0o077);
  const [name, ...rest] = args;
  if (!name || name === 'help' || name === '--help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`Unknown command ${JSON.stringify(name)}.\n\n${USAGE}`);
    return 2;
  }
  const line = parseCommandLine(rest);
  const problem = command.check(line);
  if (problem) {
    console.error(`${problem}\n\n${USAGE}`);
    return 2;
  }

  if (existsSync('.env')) process.loadEnvFile('.env');
  process.env.LOG_LEVEL ??= 'warn';
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(), {
    logger: new StderrLogger({ logLevels: ['error', 'warn'] }),
  });
  app.enableShutdownHooks();
  try {
    await command.run(app, line, terminalProgress());
    return 0;
  } finally {
    await app.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message =
      error instanceof ConfigurationError || error instanceof DomainError
        ? error.message
        : ((error as Error)?.stack ?? String(error));
    console.error(`memory-system: ${message}`);
    process.exit(1);
  },
);
