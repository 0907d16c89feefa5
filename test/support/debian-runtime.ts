import { existsSync, mkdtempSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, delimiter, join } from 'node:path';
import { fetchDebianPackages } from '@memory-system/vector';

/** How to start a program: the command, and the environment it needs. */
export interface DebianRuntime {
  command: string;
  env: NodeJS.ProcessEnv;
}

/** What to run and where it comes from. */
export interface DebianProgram {
  /** The program's path inside its package, e.g. usr/sbin/nginx. */
  binary: string;
  /** Its package and the libraries it links that a base system lacks. */
  packages: string[];
  /** Where the unpacked packages are kept between runs. */
  cacheDir: string;
  /** What to do instead when fetching fails. */
  hint: string;
  /** Whether the machine's own program (on PATH) is taken first. */
  usePath?: boolean;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * A program the suites run (redis-server, nginx): the machine's own when it has one; otherwise
 * Debian's packages, fetched once with `apt-get download` (no root, no install) into the cache
 * folder, as the embedded Chroma's launcher fetches its glibc. So `npm test` needs nothing
 * installed by hand.
 */
export async function debianRuntime(program: DebianProgram): Promise<DebianRuntime> {
  const installed = (program.usePath ?? true) ? onPath(basename(program.binary)) : undefined;
  if (installed) return { command: installed, env: process.env };
  const root = join(program.cacheDir, 'root');
  const runtime = {
    command: join(root, program.binary),
    env: {
      ...process.env,
      LD_LIBRARY_PATH: [join(root, 'usr', 'lib', 'x86_64-linux-gnu'), process.env.LD_LIBRARY_PATH]
        .filter(Boolean)
        .join(delimiter),
    },
  };
  if (existsSync(runtime.command)) return runtime;
  await mkdir(program.cacheDir, { recursive: true });
  const work = mkdtempSync(join(program.cacheDir, 'fetch-'));
  try {
    await fetchDebianPackages(work, program.packages);
    // Whole or not at all, even when two processes race.
    await rename(join(work, 'root'), root).catch((error: unknown) => {
      if (!existsSync(runtime.command)) throw error;
    });
    return runtime;
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr || (error as Error).message;
    throw new Error(
      `No ${basename(program.binary)} here, and fetching Debian's failed (${detail.trim()}); ${program.hint}`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
