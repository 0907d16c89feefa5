import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import * as tar from 'tar';
import { InvalidRequest } from '@memory-system/core';
import {
  ARCHIVE_LIMITS,
  manifestProblem,
  recordProblem,
  stateEntryProblem,
} from './archive-checks.js';

/** What a backup archive holds: a manifest and two gzipped NDJSON files. */
export const FORMAT = 'memory-system-backup';
export const FORMAT_VERSION = 1;
export const CHROMA_FILE = 'chroma.ndjson.gz';
export const STATE_FILE = 'state.ndjson.gz';
export const MANIFEST_FILE = 'manifest.json';
/** The service's signature of the manifest (archives of older releases have none). */
export const SIGNATURE_FILE = 'manifest.sig';
const MEMBERS = [MANIFEST_FILE, CHROMA_FILE, STATE_FILE];
const ALLOWED = [...MEMBERS, SIGNATURE_FILE];

/** A checked archive: its manifest, the manifest's exact bytes, and the signature it carries. */
export interface VerifiedArchive {
  manifest: Manifest;
  manifestBytes: Buffer;
  signature?: string;
}

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

/**
 * Reads gzipped NDJSON a line at a time: memory stays flat whatever the size. An archive is
 * untrusted, so a line longer than any record can be, or one that is not JSON, is refused (naming
 * the member and line) instead of being gathered until the process runs out of memory.
 */
export async function* readNdjson<T>(file: string): AsyncIterable<T> {
  const member = basename(file);
  const allowed = Math.max(
    ARCHIVE_LIMITS.expandedFloor,
    (await stat(file)).size * ARCHIVE_LIMITS.expansion,
  );
  let expanded = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineNumber = 0;
  const parse = (bytes: Buffer): T => {
    lineNumber++;
    try {
      return JSON.parse(bytes.toString('utf8')) as T;
    } catch {
      throw new InvalidBackup(`The backup is corrupt: line ${lineNumber} of ${member} is not JSON`);
    }
  };
  for await (const chunk of createReadStream(file).pipe(createGunzip()) as AsyncIterable<Buffer>) {
    expanded += chunk.length;
    if (expanded > allowed) {
      throw new InvalidBackup(
        `The backup is corrupt: ${member} expands past ${ARCHIVE_LIMITS.expansion} times its size`,
      );
    }
    let start = 0;
    // A newline byte never occurs inside a multi-byte UTF-8 character: splitting bytes is safe.
    for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
      if (pending.length === 0) {
        if (end > start) yield parse(chunk.subarray(start, end));
      } else {
        const line = Buffer.concat([...pending, chunk.subarray(start, end)]);
        pending = [];
        pendingBytes = 0;
        if (line.length > 0) yield parse(line);
      }
      start = end + 1;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > ARCHIVE_LIMITS.lineBytes) {
        throw new InvalidBackup(
          `The backup is corrupt: line ${lineNumber + 1} of ${member} is longer than ${ARCHIVE_LIMITS.lineBytes} bytes`,
        );
      }
    }
  }
  if (pendingBytes > 0) yield parse(Buffer.concat(pending));
}

export async function fileDigest(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return { sha256: hash.digest('hex'), bytes: (await stat(file)).size };
}

/** Packs the members of `dir` into one tar file. */
export async function pack(dir: string, file: string): Promise<void> {
  await tar.create({ file, cwd: dir, portable: true, noMtime: true }, ALLOWED);
}

/** An archive's manifest bytes and signature, read without unpacking its data members. */
export async function readSignedManifest(
  file: string,
): Promise<{ manifestBytes?: Buffer; signature?: string }> {
  const found: { manifestBytes?: Buffer; signature?: string } = {};
  const collect = (entry: tar.ReadEntry, done: (bytes: Buffer) => void) => {
    const chunks: Buffer[] = [];
    entry.on('data', (chunk: Buffer) => chunks.push(chunk));
    entry.on('end', () => done(Buffer.concat(chunks)));
  };
  await tar
    .t({
      file,
      onReadEntry: (entry) => {
        if (entry.path === MANIFEST_FILE && entry.size <= ARCHIVE_LIMITS.manifestBytes) {
          collect(entry, (bytes) => (found.manifestBytes = bytes));
        } else if (entry.path === SIGNATURE_FILE && entry.size <= 1024) {
          collect(entry, (bytes) => (found.signature = bytes.toString('utf8')));
        }
      },
    })
    .catch(() => undefined);
  return found;
}

/**
 * Unpacks an archive into `dir` and checks it whole: a tar of exactly our members, a manifest of
 * our format and version, and every file matching its sha256, size and record counts.
 */
export async function unpackAndVerify(file: string, dir: string): Promise<VerifiedArchive> {
  await mkdir(dir, { recursive: true });
  const seen = new Map<string, number>();
  let manifestTooLarge = false;
  try {
    await tar.extract({
      file,
      cwd: dir,
      strict: true,
      onReadEntry: (entry) => {
        seen.set(entry.path, (seen.get(entry.path) ?? 0) + 1);
        if (entry.path === MANIFEST_FILE && entry.size > ARCHIVE_LIMITS.manifestBytes) {
          manifestTooLarge = true;
        }
      },
      filter: (path, entry) =>
        ALLOWED.includes(path) &&
        (entry as { type?: string }).type === 'File' &&
        !(path === MANIFEST_FILE && manifestTooLarge),
    });
  } catch (error) {
    throw new InvalidBackup(`Not a readable backup archive: ${(error as Error).message}`);
  }
  if (manifestTooLarge) {
    throw new InvalidBackup(
      `The backup manifest is larger than ${ARCHIVE_LIMITS.manifestBytes} bytes`,
    );
  }
  // A second member of the same name would silently win over the first.
  for (const [path, count] of seen) {
    if (count > 1) throw new InvalidBackup(`The backup holds ${path} ${count} times`);
    if (!ALLOWED.includes(path)) {
      throw new InvalidBackup(`The backup holds an unexpected member ${JSON.stringify(path)}`);
    }
  }
  const found = (await readdir(dir)).filter((member) => member !== SIGNATURE_FILE).sort();
  if (found.join() !== [...MEMBERS].sort().join()) {
    throw new InvalidBackup(
      `Not a memory-system backup: it holds ${found.join(', ') || 'nothing we know'}`,
    );
  }
  let parsed: unknown;
  const manifestBytes = await readFile(join(dir, MANIFEST_FILE));
  try {
    parsed = JSON.parse(manifestBytes.toString('utf8'));
  } catch {
    throw new InvalidBackup('The backup manifest is not valid JSON');
  }
  if ((parsed as Partial<Manifest> | null)?.format !== FORMAT)
    throw new InvalidBackup('Not a memory-system backup (unknown format)');
  const manifest = parsed as Manifest;
  if (manifest.formatVersion > FORMAT_VERSION) {
    throw new InvalidBackup(
      `The backup has format version ${manifest.formatVersion}; this release reads up to ${FORMAT_VERSION}`,
    );
  }
  const shape = manifestProblem(manifest);
  if (shape) throw new InvalidBackup(`The backup is corrupt: ${shape}`);
  for (const member of [CHROMA_FILE, STATE_FILE]) {
    const expected = manifest.files?.[member];
    const actual = await fileDigest(join(dir, member));
    if (!expected || expected.sha256 !== actual.sha256 || expected.bytes !== actual.bytes) {
      throw new InvalidBackup(`The backup is corrupt: ${member} does not match its checksum`);
    }
  }
  await checkContents(dir, manifest);
  const signature = existsSync(join(dir, SIGNATURE_FILE))
    ? (await readFile(join(dir, SIGNATURE_FILE), 'utf8')).slice(0, 1024)
    : undefined;
  return { manifest, manifestBytes, signature };
}

/**
 * Reads both data files through and checks every record and entry against the manifest (its
 * collection, that collection's vector size, the field types), and the counts: a restore trusts
 * nothing it was not shown here first.
 */
async function checkContents(dir: string, manifest: Manifest): Promise<void> {
  const collections = new Map(manifest.collections.map((c) => [c.name, c]));
  const perCollection = new Map<string, number>();
  let index = 0;
  for await (const record of readNdjson<{ collection: string }>(join(dir, CHROMA_FILE))) {
    index++;
    const problem = recordProblem(record, collections);
    if (problem) throw new InvalidBackup(`The backup is corrupt: record ${index}: ${problem}`);
    const found = (perCollection.get(record.collection) ?? 0) + 1;
    if (found > collections.get(record.collection)!.records) {
      throw new InvalidBackup(
        `The backup is corrupt: ${record.collection} has more records than the manifest says (${collections.get(record.collection)!.records})`,
      );
    }
    perCollection.set(record.collection, found);
  }
  let entries = 0;
  for await (const entry of readNdjson(join(dir, STATE_FILE))) {
    entries++;
    const problem = stateEntryProblem(entry);
    if (problem) {
      throw new InvalidBackup(`The backup is corrupt: state entry ${entries}: ${problem}`);
    }
    if (entries > manifest.state.entries) {
      throw new InvalidBackup(
        `The backup is corrupt: state has more entries than the manifest says (${manifest.state.entries})`,
      );
    }
  }
  if (entries !== manifest.state.entries) {
    throw new InvalidBackup(
      `The backup is corrupt: state has ${entries} entries, manifest says ${manifest.state.entries}`,
    );
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
