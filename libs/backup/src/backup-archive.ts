import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import * as tar from 'tar';
import { InvalidRequest } from '@memory-system/core';

/** What a backup archive holds: a manifest and two gzipped NDJSON files. */
export const FORMAT = 'memory-system-backup';
export const FORMAT_VERSION = 1;
export const CHROMA_FILE = 'chroma.ndjson.gz';
export const STATE_FILE = 'state.ndjson.gz';
export const MANIFEST_FILE = 'manifest.json';
const MEMBERS = [MANIFEST_FILE, CHROMA_FILE, STATE_FILE];

export interface Manifest {
  format: typeof FORMAT;
  formatVersion: number;
  appVersion: string;
  createdAt: string;
  collections: Array<{ name: string; model: string; dimension: number; records: number }>;
  state: { entries: number };
  files: Record<string, { sha256: string; bytes: number }>;
}

/** A backup that is corrupt, foreign or from a newer version: refused before anything changes. */
export class InvalidBackup extends InvalidRequest {}

/** Writes `lines` as gzipped NDJSON; returns how many were written. */
export async function writeNdjson(file: string, lines: AsyncIterable<unknown>): Promise<number> {
  let count = 0;
  async function* serialise() {
    for await (const line of lines) {
      count++;
      yield `${JSON.stringify(line)}\n`;
    }
  }
  await pipeline(Readable.from(serialise()), createGzip(), createWriteStream(file));
  return count;
}

/** Reads gzipped NDJSON a line at a time: memory stays flat whatever the size. */
export async function* readNdjson<T>(file: string): AsyncIterable<T> {
  const lines = createInterface({
    input: createReadStream(file).pipe(createGunzip()),
    crlfDelay: Infinity,
  });
  for await (const line of lines) if (line) yield JSON.parse(line) as T;
}

export async function fileDigest(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return { sha256: hash.digest('hex'), bytes: (await stat(file)).size };
}

/** Packs the members of `dir` into one tar file. */
export async function pack(dir: string, file: string): Promise<void> {
  await tar.create({ file, cwd: dir, portable: true, noMtime: true }, MEMBERS);
}

/**
 * Unpacks an archive into `dir` and checks it whole: a tar of exactly our members, a manifest of
 * our format and version, and every file matching its sha256, size and record counts.
 */
export async function unpackAndVerify(file: string, dir: string): Promise<Manifest> {
  await mkdir(dir, { recursive: true });
  try {
    await tar.extract({
      file,
      cwd: dir,
      strict: true,
      filter: (path, entry) =>
        MEMBERS.includes(path) && (entry as { type?: string }).type === 'File',
    });
  } catch (error) {
    throw new InvalidBackup(`Not a readable backup archive: ${(error as Error).message}`);
  }
  const found = (await readdir(dir)).sort();
  if (found.join() !== [...MEMBERS].sort().join()) {
    throw new InvalidBackup(
      `Not a memory-system backup: it holds ${found.join(', ') || 'nothing we know'}`,
    );
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
  } catch {
    throw new InvalidBackup('The backup manifest is not valid JSON');
  }
  if (manifest.format !== FORMAT)
    throw new InvalidBackup('Not a memory-system backup (unknown format)');
  if (manifest.formatVersion > FORMAT_VERSION) {
    throw new InvalidBackup(
      `The backup has format version ${manifest.formatVersion}; this release reads up to ${FORMAT_VERSION}`,
    );
  }
  for (const member of [CHROMA_FILE, STATE_FILE]) {
    const expected = manifest.files?.[member];
    const actual = await fileDigest(join(dir, member));
    if (!expected || expected.sha256 !== actual.sha256 || expected.bytes !== actual.bytes) {
      throw new InvalidBackup(`The backup is corrupt: ${member} does not match its checksum`);
    }
  }
  await checkCounts(dir, manifest);
  return manifest;
}

async function checkCounts(dir: string, manifest: Manifest): Promise<void> {
  const perCollection = new Map<string, number>();
  try {
    for await (const record of readNdjson<{ collection: string }>(join(dir, CHROMA_FILE))) {
      perCollection.set(record.collection, (perCollection.get(record.collection) ?? 0) + 1);
    }
    let entries = 0;
    for await (const _ of readNdjson(join(dir, STATE_FILE))) entries++;
    if (entries !== manifest.state.entries)
      throw new Error(`state has ${entries} entries, manifest says ${manifest.state.entries}`);
  } catch (error) {
    if (error instanceof InvalidBackup) throw error;
    throw new InvalidBackup(`The backup is corrupt: ${(error as Error).message}`);
  }
  for (const collection of manifest.collections) {
    const found = perCollection.get(collection.name) ?? 0;
    if (found !== collection.records) {
      throw new InvalidBackup(
        `The backup is corrupt: ${collection.name} has ${found} records, manifest says ${collection.records}`,
      );
    }
  }
}

/**
 * Best-effort clean-up that never throws: a failed extraction can still be flushing files into
 * the folder being removed (ENOTEMPTY), and that must not hide the error being reported.
 */
export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }).catch(
    () => undefined,
  );
}
