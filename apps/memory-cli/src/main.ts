import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { type BackupRef, BackupService, type RestoreMode } from '@memory-system/backup';
import { ConfigurationError, DomainError } from '@memory-system/core';
import { ReembedService } from '@memory-system/memory';
import { CliModule } from './cli.module.js';
import { terminalProgress } from './progress.js';

const USAGE = `memory-system admin commands

  npm run cli -- backup                          write a backup to BACKUP_DIR now
  npm run cli -- list                            list the backups in BACKUP_DIR
  npm run cli -- verify <name|file.tar>          check every checksum of a backup
  npm run cli -- restore <name|file.tar> --mode replace|merge
                                                 verify, then restore (replace empties first)
  npm run cli -- reembed                         move every user's memories to the configured
                                                 embedding model and dimension (online, resumable)

They read the same environment (.env) as the service. With the embedded Chroma they attach to the
running service's Chroma server, or start it when the service is stopped.`;

async function run(args: string[]): Promise<number> {
  const [command, target] = args;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (!['backup', 'list', 'verify', 'restore', 'reembed'].includes(command)) {
    console.error(`Unknown command ${JSON.stringify(command)}.\n\n${USAGE}`);
    return 2;
  }
  if ((command === 'verify' || command === 'restore') && !target) {
    console.error(`${command} needs a backup name or file.\n\n${USAGE}`);
    return 2;
  }
  const modeArg = args.indexOf('--mode');
  const mode = (modeArg >= 0 ? args[modeArg + 1] : undefined) as RestoreMode | undefined;
  if (command === 'restore' && mode !== 'replace' && mode !== 'merge') {
    console.error('restore needs --mode replace or --mode merge.');
    return 2;
  }

  if (existsSync('.env')) process.loadEnvFile('.env');
  process.env.LOG_LEVEL ??= 'warn';
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(), {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  const backups = app.get(BackupService);
  // A bare name is a backup in BACKUP_DIR; anything with a slash or .tar is a file.
  const ref: BackupRef =
    target && /[/\\]|\.tar$/.test(target) ? { file: target } : { name: target ?? '' };
  const progress = terminalProgress();
  try {
    switch (command) {
      case 'backup': {
        const result = await backups.backup('cli', progress);
        progress.end();
        console.log(`${result.name}\t${result.bytes} bytes\t${result.file}`);
        break;
      }
      case 'list':
        for (const b of await backups.list())
          console.log(`${b.name}\t${b.createdAt}\t${b.bytes} bytes`);
        break;
      case 'verify': {
        const manifest = await backups.verify(ref, progress);
        progress.end();
        const records = manifest.collections.reduce((n, c) => n + c.records, 0);
        console.log(
          `OK: ${records} records in ${manifest.collections.length} collections, ${manifest.state.entries} state entries (written ${manifest.createdAt})`,
        );
        break;
      }
      case 'reembed': {
        const result = await app.get(ReembedService).run(progress);
        progress.end();
        console.log(
          `Re-embedded ${result.memories} memories of ${result.users} users into ${result.model}/${result.dimension}; dropped ${result.droppedCollections} old collections`,
        );
        break;
      }
      case 'restore': {
        const result = await backups.restore(ref, mode!, progress);
        progress.end();
        console.log(
          `Restored ${result.name} (${result.mode}): ${result.records} records, ${result.entries} state entries`,
        );
        break;
      }
    }
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
