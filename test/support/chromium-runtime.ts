import { existsSync, mkdtempSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { homedir } from 'node:os';
import { fetchDebianPackages } from '@memory-system/vector';

/** How to start Chromium: the executable, and the environment it needs. */
export interface ChromiumRuntime {
  executablePath: string;
  env: Record<string, string>;
}

const HINT = 'install it yourself: apt-get install chromium';
const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * The Chromium the console suite drives: the machine's own when it has one; otherwise Debian's
 * chromium package and the libraries it links that this machine lacks, fetched once with
 * `apt-get download` (no root, no install) into CHROMIUM_RUNTIME_DIR (default
 * ~/.cache/memory-system/chromium-runtime), as the Redis suites fetch redis-server. A browser that
 * can be neither found nor fetched fails the suite with how to install it: never a silent skip.
 */
export async function chromiumRuntime(
  cacheDir = process.env.CHROMIUM_RUNTIME_DIR ||
    join(homedir(), '.cache', 'memory-system', 'chromium-runtime'),
  useSystem = true,
): Promise<ChromiumRuntime> {
  const installed = useSystem ? SYSTEM_CHROMIUM.find((path) => existsSync(path)) : undefined;
  if (installed) return { executablePath: installed, env: {} };
  const root = join(cacheDir, 'root');
  const libraryPath = [
    'usr/lib/x86_64-linux-gnu',
    'lib/x86_64-linux-gnu',
    'usr/lib/x86_64-linux-gnu/pulseaudio',
    'usr/lib/chromium',
  ]
    .map((dir) => join(root, dir))
    .concat(process.env.LD_LIBRARY_PATH ? [process.env.LD_LIBRARY_PATH] : [])
    .join(delimiter);
  const runtime = {
    executablePath: join(root, 'usr', 'lib', 'chromium', 'chromium'),
    env: { LD_LIBRARY_PATH: libraryPath },
  };
  if (existsSync(runtime.executablePath)) return runtime;
  await mkdir(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, 'fetch-'));
  try {
    await fetchDebianPackages(work, ['chromium'], { dependencies: true });
    // Whole or not at all, even when two processes race.
    await rename(join(work, 'root'), root).catch((error: unknown) => {
      if (!existsSync(runtime.executablePath)) throw error;
    });
    return runtime;
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr || (error as Error).message;
    throw new Error(`No Chromium here, and fetching Debian's failed (${detail.trim()}); ${HINT}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
