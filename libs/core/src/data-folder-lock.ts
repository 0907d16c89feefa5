import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** A second service process on a data folder another live one holds. */
export class DataFolderInUse extends Error {}

const LOCK_FILE = 'service.lock';
const HOLDER_FILE = 'service.lock.holder';

/**
 * The service's claim on its data folder: its keyword index (and SQLite state) assume one writing
 * process. The claim is an exclusive SQLite lock (an fcntl lock of the operating system) on a file
 * in the folder, held while the process lives: the kernel drops it when the process ends, however
 * it ends (kill -9 too), so a stale claim never blocks a restart. Containers on one node that
 * mount the same volume see each other's locks. The CLI takes no claim: it works beside the
 * service on purpose, briefly.
 */
export class DataFolderLock {
  /** The claims this process holds, by folder: referenced, so never closed by the collector. */
  private static readonly held = new Map<string, DataFolderLock>();

  private constructor(private readonly db: Database.Database) {}

  /** Claims the folder for the life of the process (once per folder). */
  static claim(dataDir: string): void {
    if (!DataFolderLock.held.has(dataDir)) {
      DataFolderLock.held.set(dataDir, DataFolderLock.acquire(dataDir));
    }
  }

  /** Claims the folder, or throws DataFolderInUse naming the process that holds it. */
  static acquire(dataDir: string): DataFolderLock {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const db = new Database(join(dataDir, LOCK_FILE), { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      // The first write takes the exclusive lock; in this mode it is kept until the file closes.
      db.exec(`CREATE TABLE IF NOT EXISTS claims (at TEXT NOT NULL)`);
      db.prepare(`INSERT INTO claims (at) VALUES (?)`).run(new Date().toISOString());
      db.exec(`DELETE FROM claims WHERE rowid < (SELECT max(rowid) FROM claims)`);
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      throw new DataFolderInUse(
        `DATA_DIR ${dataDir} is held by another live memory-system process` +
          `${holderOf(dataDir)}: each replica needs a data folder of its own (its keyword ` +
          'index assumes one writing process). In the Swarm stack each task gets its own ' +
          '(DATA_DIR=/data/<task slot>); elsewhere give each process its own DATA_DIR.',
      );
    }
    const holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    writeFileSync(join(dataDir, HOLDER_FILE), `${JSON.stringify(holder)}\n`, { mode: 0o600 });
    return new DataFolderLock(db);
  }

  release(): void {
    if (this.db.open) this.db.close();
  }
}

/** " (pid 12 on host abc, since ...)" from the holder's note, when it left one. */
function holderOf(dataDir: string): string {
  try {
    const { pid, host, since } = JSON.parse(readFileSync(join(dataDir, HOLDER_FILE), 'utf8')) as {
      pid: number;
      host: string;
      since: string;
    };
    return ` (pid ${pid} on host ${host}, since ${since})`;
  } catch {
    return '';
  }
}
