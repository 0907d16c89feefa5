import { type BackupRef, BackupService, type RestoreMode } from '@memory-system/backup';
import { ReembedService, usersAndSubjects } from '@memory-system/memory';
import { type CliCommand, listed, option } from './command.js';

// A bare name is a backup in BACKUP_DIR; anything with a slash or .tar is a file.
const refOf = (target: string): BackupRef =>
  /[/\\]|\.tar$/.test(target) ? { file: target } : { name: target };

export const backupCommands: Record<string, CliCommand> = {
  backup: {
    usage: [['backup', 'write a backup to BACKUP_DIR now']],
    check: () => undefined,
    run: async (app, _, progress) => {
      const result = await app.get(BackupService).backup('cli', progress);
      progress.end();
      console.log(`${result.name}\t${result.bytes} bytes\t${result.file}`);
    },
  },
  list: {
    usage: [['list', 'list the backups in BACKUP_DIR']],
    check: () => undefined,
    run: async (app) => {
      const backups = await app.get(BackupService).list();
      for (const b of backups) console.log(`${b.name}\t${b.createdAt}\t${b.bytes} bytes`);
      listed(backups.length, 'backup');
    },
  },
  verify: {
    usage: [['verify <name|file.tar>', 'check every checksum of a backup']],
    check: ({ words }) => (words[0] ? undefined : 'verify needs a backup name or file.'),
    run: async (app, { words }, progress) => {
      const { manifest, signature } = await app
        .get(BackupService)
        .verify(refOf(words[0]!), progress);
      progress.end();
      const records = manifest.collections.reduce((n, c) => n + c.records, 0);
      console.log(
        `OK: ${records} records in ${manifest.collections.length} collections, ${manifest.state.entries} state entries (written ${manifest.createdAt}); signature ${signature}`,
      );
    },
  },
  restore: {
    usage: [
      [
        'restore <name|file.tar> --mode replace|merge [--trust-unsigned] [--keep-credentials]',
        'verify, then restore (replace empties first; unsigned archives only when trusted; ' +
          'accounts that exist now keep their passwords and keys with --keep-credentials)',
      ],
    ],
    check: (line) => {
      if (!line.words[0]) return 'restore needs a backup name or file.';
      const mode = option(line, 'mode');
      return mode === 'replace' || mode === 'merge'
        ? undefined
        : 'restore needs --mode replace or --mode merge.';
    },
    run: async (app, line, progress) => {
      const mode = option(line, 'mode') as RestoreMode;
      const result = await app.get(BackupService).restore(refOf(line.words[0]!), mode, progress, {
        trustUnsigned: line.options.has('trust-unsigned'),
        keepCredentials: line.options.has('keep-credentials'),
      });
      progress.end();
      for (const { userId, from, to } of result.accounts?.renamed ?? []) {
        console.log(`Account ${userId} came back as ${to}: the name ${from} is taken`);
      }
      console.log(
        `Restored ${result.name} (${result.mode}): ${result.records} records, ${result.entries} state entries; ` +
          `the store as it was before is kept in the backup ${result.preRestoreBackup} (restore it to undo)`,
      );
    },
  },
  reembed: {
    usage: [['reembed', 'move every memory to the configured model and dimension (resumable)']],
    check: () => undefined,
    run: async (app, _, progress) => {
      const result = await app.get(ReembedService).run(progress);
      progress.end();
      console.log(
        `Re-embedded ${result.memories} memories of ${usersAndSubjects(result)} into ${result.model}/${result.dimension}; dropped ${result.droppedCollections} old collections${result.erased ? `; skipped ${result.erased} erased meanwhile` : ''}`,
      );
    },
  },
};
