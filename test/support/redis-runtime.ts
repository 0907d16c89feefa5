import { existsSync, mkdtempSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { homedir } from 'node:os';
import { fetchDebianPackages } from '@memory-system/vector';

/** How to start a redis-server: the command, and the environment it needs. */
export interface RedisRuntime {
  command: string;
  env: NodeJS.ProcessEnv;
}

/** Debian's Redis and the libraries it links that a base system lacks. */
const PACKAGES = ['redis-server', 'redis-tools', 'libjemalloc2', 'liblzf1', 'libatomic1'];
const HINT = 'or install it yourself: apt-get install redis-server';

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * The redis-server the Redis suites run: the machine's own when it has one; otherwise Debian's
 * packages, fetched once with `apt-get download` (no root, no install) into
 * REDIS_RUNTIME_DIR (default ~/.cache/memory-system/redis-runtime), as the embedded Chroma's
 * launcher fetches its glibc. So `npm test` needs nothing installed by hand.
 */
export async function redisRuntime(
  cacheDir = process.env.REDIS_RUNTIME_DIR ||
    join(homedir(), '.cache', 'memory-system', 'redis-runtime'),
  usePath = true,
): Promise<RedisRuntime> {
  const installed = usePath ? onPath('redis-server') : undefined;
  if (installed) return { command: installed, env: process.env };
  const root = join(cacheDir, 'root');
  const runtime = {
    command: join(root, 'usr', 'bin', 'redis-server'),
    env: {
      ...process.env,
      LD_LIBRARY_PATH: [join(root, 'usr', 'lib', 'x86_64-linux-gnu'), process.env.LD_LIBRARY_PATH]
        .filter(Boolean)
        .join(delimiter),
    },
  };
  if (existsSync(runtime.command)) return runtime;
  await mkdir(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, 'fetch-'));
  try {
    await fetchDebianPackages(work, PACKAGES);
    // Whole or not at all, even when two processes race.
    await rename(join(work, 'root'), root).catch((error: unknown) => {
      if (!existsSync(runtime.command)) throw error;
    });
    return runtime;
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr || (error as Error).message;
    throw new Error(
      `No redis-server here, and fetching Debian's failed (${detail.trim()}); ${HINT}`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
