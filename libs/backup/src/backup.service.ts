import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, join, resolve as resolvePath } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import {
  APP_VERSION,
  AppConfig,
  BackendUnavailable,
  DomainError,
  Metrics,
  NotFound,
  RestoredAccounts,
  RestoreFollowUps,
  vectorProblem,
} from '@memory-system/core';
import { LOCKS, type StateEntry, StateStore } from '@memory-system/state';
import { LEXICAL_GENERATION, LexicalSearch } from '@memory-system/retrieval';
import {
  type ArchivedRecord,
  type CollectionInfo,
  scanIds,
  userHashOfCollection,
  VectorStore,
} from '@memory-system/vector';
import {
  CHROMA_FILE,
  fileDigest,
  FORMAT,
  FORMAT_VERSION,
  InvalidBackup,
  type Manifest,
  MANIFEST_FILE,
  pack,
  readNdjson,
  readSignedManifest,
  removeQuietly,
  SIGNATURE_FILE,
  STATE_FILE,
  unpackAndVerify,
  type VerifiedArchive,
  writeNdjson,
} from './backup-archive.js';
import { type Authenticity, BackupSigner } from './backup-signer.js';
import { BackupLock } from './backup-lock.js';

export type Progress = (event: { phase: string; done: number; total?: number }) => void;
export type RestoreMode = 'replace' | 'merge';

/** Which archive: one in BACKUP_DIR by name (the API), or any file (the CLI, run by an operator). */
export type BackupRef = { name: string } | { file: string };

export interface VerifiedBackup {
  manifest: Manifest;
  /** valid: written by this service (its key); missing or invalid: restored only when trusted. */
  signature: Authenticity;
}

export interface BackupInfo {
  name: string;
  file: string;
  bytes: number;
  createdAt: string;
}

/** A record left out of an archive (or a restore) because its vector cannot be stored again. */
export interface SkippedRecord {
  collection: string;
  id: string;
  reason: string;
}

/** Records named one by one in an answer; past this, only counted. */
const SKIPPED_NAMED = 100;

const NAME = /^memory-system-\d{8}T\d{9}Z$/;
const PAGE = 500;
const ID_BLOCK = 10_000;
const ID_OVERLAP = 1_000;
const PAGE_ATTEMPTS = 5;
const noProgress: Progress = () => undefined;
/** A restore that did not complete; the detail says whether the store was put back. */
export class RestoreFailed extends DomainError {
  readonly status = 503;
  readonly title = 'Restore failed';
  readonly code = 'restore-failed';
  override readonly retryAfterSeconds = 30;
}

export const backupNotFound = (name: string) =>
  new NotFound('Backup not found', `No backup named ${JSON.stringify(name)}.`);

/** Why a record's vector could not be stored again (Chroma would refuse it or keep NaN). */
function unfitVector(record: ArchivedRecord, dimension: number): string | undefined {
  if (record.embedding.length !== dimension) {
    return `has ${record.embedding.length} numbers where the collection holds ${dimension}`;
  }
  return vectorProblem(record.embedding);
}

function nameFor(date: Date): string {
  const iso = date.toISOString(); // 2026-11-25T03:00:00.123Z
  return `memory-system-${iso.replace(/[-:]/g, '').replace('.', '')}`;
}

/**
 * Backups and restores of everything the service keeps: every Chroma record (ids, documents,
 * metadata, embeddings) and the state store (users, API keys, sessions, tokens). The API, the CLI
 * and the nightly job all come through here.
 */
@Injectable()
export class BackupService {
  private readonly logger = new Logger(BackupService.name);

  constructor(
    private readonly vectors: VectorStore,
    private readonly state: StateStore,
    private readonly lock: BackupLock,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly lexical: LexicalSearch,
    private readonly signer: BackupSigner,
    private readonly followUps: RestoreFollowUps,
    @Optional() private readonly accounts?: RestoredAccounts,
  ) {}

  private authenticity(archive: VerifiedArchive): Authenticity {
    return this.signer.check(archive.manifestBytes, archive.signature);
  }

  /** Writes a new archive (under a temporary name, renamed when whole), then applies retention. */
  async backup(
    trigger: string,
    progress: Progress = noProgress,
  ): Promise<BackupInfo & { manifest: Manifest; skipped: SkippedRecord[]; skippedCount: number }> {
    const started = Date.now();
    try {
      const result = await this.lock.hold('backup', () => this.writeBackup(progress));
      const seconds = (Date.now() - started) / 1000;
      this.metrics.backupLastSuccess.set(Date.now() / 1000);
      this.metrics.backupDuration.set(seconds);
      this.metrics.backupSize.set(result.bytes);
      this.metrics.backupRecords.set(
        { kind: 'chroma' },
        result.manifest.collections.reduce((n, c) => n + c.records, 0),
      );
      this.metrics.backupRecords.set({ kind: 'state' }, result.manifest.state.entries);
      this.logger.log(
        `Backup ${result.name} (${trigger}) written: ${result.bytes} bytes in ${seconds.toFixed(1)} s`,
      );
      await this.applyRetention();
      await this.runPostCommand(result);
      return result;
    } catch (error) {
      this.metrics.backupFailures.inc();
      this.logger.error(`Backup (${trigger}) failed: ${(error as Error).message}`);
      throw error;
    }
  }

  async list(): Promise<BackupInfo[]> {
    await mkdir(this.config.backup.dir, { recursive: true });
    const names = (await readdir(this.config.backup.dir))
      .filter((file) => file.endsWith('.tar') && NAME.test(file.slice(0, -4)))
      .map((file) => file.slice(0, -4))
      .sort()
      .reverse();
    return Promise.all(names.map((name) => this.info(name)));
  }

  /** The archive's manifest after checking all of it, and whether this service signed it. */
  async verify(ref: BackupRef, progress: Progress = noProgress): Promise<VerifiedBackup> {
    const file = this.resolve(ref);
    const dir = this.workDir('verify');
    try {
      progress({ phase: 'verify', done: 0 });
      const archive = await unpackAndVerify(file, dir);
      return { manifest: archive.manifest, signature: this.authenticity(archive) };
    } finally {
      await removeQuietly(dir);
    }
  }

  async get(name: string): Promise<BackupInfo & VerifiedBackup> {
    const info = await this.info(this.checkName(name));
    return { ...info, ...(await this.verify({ name })) };
  }

  async delete(name: string): Promise<void> {
    await unlink(this.fileOf(this.checkName(name))).catch(() => {
      throw backupNotFound(name);
    });
  }

  /**
   * Checks the whole archive first; only a sound one is restored. `replace` empties Chroma's
   * memory collections and the state store first; `merge` writes over what is there. Accounts
   * are settled afterwards (see RestoredAccounts): usernames stay unique, the admin running it
   * gets in, and with keepCredentials accounts keep their current passwords and keys.
   */
  async restore(
    ref: BackupRef,
    mode: RestoreMode,
    progress: Progress = noProgress,
    options: {
      trustUnsigned?: boolean;
      /** The admin running it: they can still log in afterwards, with their current password. */
      restoringUserId?: string;
      /** Accounts that exist now keep their passwords, disabled flags and API keys. */
      keepCredentials?: boolean;
    } = {},
  ) {
    const file = this.resolve(ref);
    const dir = this.workDir('restore');
    try {
      const archive = await unpackAndVerify(file, dir);
      const signature = this.authenticity(archive);
      // Checksums are self-declared: only our signature says this archive is one we wrote.
      if (signature !== 'valid' && !options.trustUnsigned) {
        throw new InvalidBackup(
          `The backup is not signed with this service's key (signature ${signature}): it may not be ` +
            'one this service wrote. Restore it only if you know where it came from, with ' +
            'trustUnsigned: true (CLI: --trust-unsigned).',
        );
      }
      const name = basename(file).replace(/\.tar$/, '');
      return await this.lock.hold('restore', async () => {
        // What is there now, kept first: a restore that fails midway puts it back.
        const before = await this.writeBackup((event) =>
          progress({ ...event, phase: `pre-restore backup: ${event.phase}` }),
        );
        this.logger.log(`Restore of ${name}: the store as it was is kept in ${before.name}`);
        const settleAccounts = await this.accounts?.prepare({
          mode,
          keepCredentials: options.keepCredentials ?? false,
          restoringUserId: options.restoringUserId,
        });
        try {
          const result = await this.apply(dir, archive.manifest, mode, progress);
          // An archive of an older layout (subjects in collections of their own) is moved into it.
          await this.followUps.runAll();
          const accounts = await settleAccounts?.();
          this.logger.log(
            `Restored ${name} (${mode}): ${result.records} records, ${result.entries} state entries`,
          );
          return { name, mode, ...result, accounts, preRestoreBackup: before.name };
        } catch (error) {
          throw await this.rollBack(name, before, error as Error);
        }
      });
    } finally {
      await removeQuietly(dir);
    }
  }

  /** Writes an unpacked, verified archive into the stores. */
  private async apply(dir: string, manifest: Manifest, mode: RestoreMode, progress: Progress) {
    const touched = new Set(manifest.collections.map((c) => c.name));
    // Subjects (userHashOf their spaces) whose records a replace drops from their shared homes.
    const droppedSubjects = new Set<string>();
    try {
      if (mode === 'replace') {
        for (const collection of await this.vectors.listCollections()) {
          touched.add(collection.name);
          for (const space of await this.vectors.spacesIn(collection.name)) {
            droppedSubjects.add(space);
          }
          await this.vectors.dropCollection(collection.name);
        }
        await this.state.clear([LOCKS, LEXICAL_GENERATION]);
      }
      const skipped: SkippedRecord[] = [];
      const records = await this.restoreRecords(dir, manifest, skipped, progress);
      let entries = 0;
      for await (const entry of readNdjson<StateEntry>(join(dir, STATE_FILE))) {
        // Generations only ever move on; an archive's old counts would fake an index in step.
        if (entry.namespace === LEXICAL_GENERATION) continue;
        await this.state.importEntry(entry);
        progress({ phase: 'state', done: ++entries, total: manifest.state.entries });
      }
      if (skipped.length > 0) {
        this.logger.error(
          `Restore left out ${skipped.length} record(s) whose vectors cannot be stored (named above)`,
        );
      }
      return {
        records,
        entries,
        collections: manifest.collections.length,
        skipped: skipped.slice(0, SKIPPED_NAMED),
        skippedCount: skipped.length,
      };
    } finally {
      // Chroma changed behind the keyword index (whole or in part): every replica rebuilds these
      // users' indexes; cached searches and embeddings may describe what was there before.
      const owners = new Set(droppedSubjects);
      for (const name of touched) {
        const owner = userHashOfCollection(name);
        if (owner) owners.add(owner);
        // A shared home's records are its subjects': each has a keyword index of its own.
        const subjects = await this.vectors.spacesIn(name).catch(() => new Set<string>());
        for (const subject of subjects) owners.add(subject);
      }
      for (const owner of owners) {
        await this.lexical.changedElsewhere(owner).catch(() => undefined);
      }
      await this.cache.clear();
    }
  }

  /**
   * A restore failed midway: put the store back from the backup taken just before, and say so.
   * If even that fails (the backend is down), the answer names the archive to restore by hand.
   */
  private async rollBack(name: string, before: BackupInfo, error: Error): Promise<DomainError> {
    this.logger.error(
      `Restore of ${name} failed midway (${error.message}); putting back ${before.name}`,
    );
    const dir = this.workDir('rollback');
    try {
      const { manifest } = await unpackAndVerify(before.file, dir);
      await this.apply(dir, manifest, 'replace', noProgress);
    } catch (second) {
      this.logger.error(`Putting back ${before.name} failed too: ${(second as Error).message}`);
      return new RestoreFailed(
        `The restore of ${name} failed midway (${error.message}), and putting the store back failed too ` +
          `(${(second as Error).message}): when the backend is back, restore ${before.name} (mode replace).`,
      );
    } finally {
      await removeQuietly(dir);
    }
    return new RestoreFailed(
      `The restore of ${name} failed midway (${error.message}); the store was put back as it was ` +
        `before (from ${before.name}). Try again when the backend is healthy.`,
    );
  }

  private async writeBackup(
    progress: Progress,
  ): Promise<BackupInfo & { manifest: Manifest; skipped: SkippedRecord[]; skippedCount: number }> {
    const dir = this.config.backup.dir;
    await mkdir(dir, { recursive: true });
    await this.removeLeftovers();
    const name = nameFor(new Date());
    const work = join(dir, `.partial-${name}`);
    await mkdir(work, { recursive: true });
    try {
      const collections = await this.vectors.listCollections();
      const total = collections.reduce((n, c) => n + c.count, 0);
      const counted = new Map<string, number>();
      const skipped: SkippedRecord[] = [];
      await writeNdjson(
        join(work, CHROMA_FILE),
        this.exportRecords(collections, total, counted, skipped, progress),
      );
      const entries = await writeNdjson(join(work, STATE_FILE), this.exportState(progress));
      const manifest: Manifest = {
        format: FORMAT,
        formatVersion: FORMAT_VERSION,
        appVersion: APP_VERSION,
        createdAt: new Date().toISOString(),
        collections: collections.map((c) => ({
          name: c.name,
          model: c.model,
          dimension: c.dimension,
          records: counted.get(c.name) ?? 0,
        })),
        state: { entries },
        files: {
          [CHROMA_FILE]: await fileDigest(join(work, CHROMA_FILE)),
          [STATE_FILE]: await fileDigest(join(work, STATE_FILE)),
        },
      };
      const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2));
      await writeFile(join(work, MANIFEST_FILE), manifestBytes);
      await writeFile(join(work, SIGNATURE_FILE), this.signer.sign(manifestBytes));
      const partial = join(dir, `.${name}.tar.partial`);
      await pack(work, partial);
      // Readable by the service alone: it holds every user's memories and password hashes.
      await chmod(partial, 0o600);
      // Only a whole archive ever carries the final name.
      await rename(partial, this.fileOf(name));
      if (skipped.length > 0) {
        this.logger.error(
          `Backup ${name} left out ${skipped.length} record(s) whose vectors cannot be restored ` +
            '(change the content of each to embed it again, or delete it)',
        );
      }
      return {
        ...(await this.info(name)),
        manifest,
        skipped: skipped.slice(0, SKIPPED_NAMED),
        skippedCount: skipped.length,
      };
    } finally {
      await removeQuietly(work);
    }
  }

  private async *exportRecords(
    collections: CollectionInfo[],
    total: number,
    counted: Map<string, number>,
    skipped: SkippedRecord[],
    progress: Progress,
  ): AsyncIterable<ArchivedRecord & { collection: string }> {
    let done = 0;
    for (const collection of collections) {
      const ids = scanIds(
        (offset, limit) =>
          this.patiently(`listing ${collection.name} at ${offset}`, () =>
            this.vectors.readIds(collection.name, { offset, limit }),
          ),
        { block: ID_BLOCK, overlap: ID_OVERLAP },
      );
      // Ids a block at a time, records a page at a time by id: memory stays flat.
      for await (const block of ids) {
        for (let start = 0; start < block.length; start += PAGE) {
          const page = await this.patiently(`reading ${collection.name}`, () =>
            this.vectors.readRecords(collection.name, block.slice(start, start + PAGE)),
          );
          let kept = 0;
          for (const record of page) {
            // An archive holding a vector that cannot be stored again could never be restored:
            // the record is left out and named instead (the rest of the archive stays good).
            const unfit = unfitVector(record, collection.dimension);
            if (unfit) {
              skipped.push({ collection: collection.name, id: record.id, reason: unfit });
              this.logger.warn(
                `Backup: left out record ${record.id} of ${collection.name}: its vector ${unfit}`,
              );
              continue;
            }
            kept++;
            yield { collection: collection.name, ...record };
          }
          counted.set(collection.name, (counted.get(collection.name) ?? 0) + kept);
          done += page.length;
          progress({ phase: 'chroma', done, total });
        }
      }
    }
  }

  private async *exportState(progress: Progress): AsyncIterable<StateEntry> {
    let done = 0;
    for await (const entry of this.state.exportEntries()) {
      if (entry.namespace === LOCKS || entry.namespace === LEXICAL_GENERATION) continue;
      yield entry;
      if (++done % PAGE === 0) progress({ phase: 'state', done });
    }
    progress({ phase: 'state', done });
  }

  private async restoreRecords(
    dir: string,
    manifest: Manifest,
    skipped: SkippedRecord[],
    progress: Progress,
  ): Promise<number> {
    const spaces = new Map(manifest.collections.map((c) => [c.name, c]));
    const total = manifest.collections.reduce((n, c) => n + c.records, 0);
    // By id: a backup taken while many records were deleted can hold one twice (see scanIds),
    // and Chroma refuses a write that names an id twice.
    let batch = new Map<string, ArchivedRecord>();
    let current: string | undefined;
    let done = 0;
    const flush = async () => {
      if (!current || batch.size === 0) return;
      const space = spaces.get(current)!;
      await this.vectors.writeCollection(
        { name: current, model: space.model, dimension: space.dimension },
        [...batch.values()],
      );
      done += batch.size;
      progress({ phase: 'chroma', done, total });
      batch = new Map();
    };
    for await (const { collection, ...record } of readNdjson<
      ArchivedRecord & { collection: string }
    >(join(dir, CHROMA_FILE))) {
      const unfit = vectorProblem(record.embedding);
      if (unfit) {
        skipped.push({ collection, id: record.id, reason: unfit });
        this.logger.warn(
          `Restore: left out record ${record.id} of ${collection}: its vector ${unfit}`,
        );
        continue;
      }
      if (collection !== current || batch.size >= PAGE) {
        await flush();
        current = collection;
      }
      batch.set(record.id, record);
    }
    await flush();
    return done;
  }

  /** A long job should not die of one slow or refused call: retry with growing pauses first. */
  private async patiently<T>(what: string, work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!(error instanceof BackendUnavailable) || attempt >= PAGE_ATTEMPTS) throw error;
        this.logger.warn(
          `${what}: ${error.message}; trying again (${attempt}/${PAGE_ATTEMPTS - 1})`,
        );
        await sleep(1000 * 2 ** (attempt - 1));
      }
    }
  }

  /**
   * Deletes archives older than BACKUP_RETENTION_DAYS, but never the newest BACKUP_KEEP_MIN that
   * this service signed: a file merely named like a newer backup counts for nothing.
   */
  private async applyRetention(): Promise<void> {
    const { retentionDays, keepMin } = this.config.backup;
    const cutoff = Date.now() - retentionDays * 86_400_000;
    const backups = await this.list(); // newest first
    const kept = new Set<string>();
    for (const backup of backups) {
      if (kept.size >= keepMin) break;
      const { manifestBytes, signature } = await readSignedManifest(backup.file);
      if (manifestBytes && this.signer.check(manifestBytes, signature) === 'valid') {
        kept.add(backup.name);
      }
    }
    for (const backup of backups) {
      if (!kept.has(backup.name) && Date.parse(backup.createdAt) < cutoff) {
        await unlink(backup.file);
        this.logger.log(`Retention: deleted ${backup.name}`);
      }
    }
  }

  /** Hands a good archive to another tool (borg, restic, rclone…); its failure is only logged. */
  private async runPostCommand(backup: BackupInfo): Promise<void> {
    const command = this.config.backup.postCommand;
    if (!command) return;
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('sh', ['-c', command], {
        env: { ...process.env, BACKUP_FILE: backup.file, BACKUP_NAME: backup.name },
        stdio: 'ignore',
      });
      child.on('error', () => resolve(-1));
      child.on('exit', (exitCode) => resolve(exitCode));
    });
    if (code === 0) this.logger.log(`BACKUP_POST_COMMAND ran for ${backup.name}`);
    else this.logger.error(`BACKUP_POST_COMMAND failed for ${backup.name} (exit ${code})`);
  }

  /**
   * Leftovers of a backup that died half-way (we hold the lock, so none is in progress), and work
   * folders of verifications or restores that could not be removed, once they are an hour old.
   */
  private async removeLeftovers(): Promise<void> {
    const dir = this.config.backup.dir;
    for (const file of await readdir(dir)) {
      const path = join(dir, file);
      if (file.startsWith('.partial-') || file.endsWith('.tar.partial')) {
        await removeQuietly(path);
      } else if (/^\.(verify|restore)-/.test(file)) {
        const age = Date.now() - (await stat(path)).mtimeMs;
        if (age > 3_600_000) await removeQuietly(path);
      }
    }
  }

  private async info(name: string): Promise<BackupInfo> {
    const file = this.fileOf(name);
    const facts = await stat(file).catch(() => {
      throw backupNotFound(name);
    });
    const stamp = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(name)!;
    const createdAt = `${stamp[1]}-${stamp[2]}-${stamp[3]}T${stamp[4]}:${stamp[5]}:${stamp[6]}.${stamp[7]}Z`;
    return { name, file, bytes: facts.size, createdAt };
  }

  /** A backup in BACKUP_DIR by name; only the CLI may name a file elsewhere. */
  private resolve(ref: BackupRef): string {
    const file = 'file' in ref ? resolvePath(ref.file) : this.fileOf(this.checkName(ref.name));
    if (!existsSync(file)) throw backupNotFound('file' in ref ? ref.file : ref.name);
    return file;
  }

  private checkName(name: string): string {
    if (!NAME.test(name)) throw backupNotFound(name);
    return name;
  }

  private fileOf(name: string): string {
    return join(this.config.backup.dir, `${name}.tar`);
  }

  private workDir(purpose: string): string {
    return join(
      this.config.backup.dir,
      `.${purpose}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    );
  }
}
