import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchDebianPackages } from './debian-packages.js';

/** The chromadb native binding is linked against glibc 2.39. */
export const REQUIRED_GLIBC = '2.39';
const SYSTEM_LIBS = '/usr/lib/x86_64-linux-gnu';

/** How to start node so that the Chroma binding loads. */
export interface ChromaRuntime {
  /** The command and arguments that precede the Chroma CLI script. */
  command: string;
  args: string[];
}

export class ChromaRuntimeUnavailable extends Error {
  constructor(reason: string) {
    super(
      `The embedded Chroma server cannot run here: ${reason}. ` +
        'Set CHROMA_URL to a Chroma 1.x server instead (for example `docker run -p 8000:8000 chromadb/chroma`).',
    );
    this.name = 'ChromaRuntimeUnavailable';
  }
}

export function systemGlibcVersion(): string | undefined {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } };
  return report?.header?.glibcVersionRuntime;
}

function atLeast(version: string, wanted: string): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  const [c = 0, d = 0] = wanted.split('.').map(Number);
  return a > c || (a === c && b >= d);
}

/** Finds the CLI that ships in the chromadb package (`chroma run`), from here or the working folder. */
export function locateChromaCli(
  from: string[] = [dirname(fileURLToPath(import.meta.url)), process.cwd()],
): string {
  for (const start of from) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, 'node_modules', 'chromadb', 'dist', 'cli.mjs');
      if (existsSync(candidate)) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new ChromaRuntimeUnavailable('the chromadb package is not installed (run npm install)');
}

/**
 * Debian 12 ships glibc 2.36. There we fetch Debian 13's libc6 package once with apt-get,
 * unpack it into `cacheDir`, and start node through its loader. Newer systems use node as is.
 */
export async function resolveChromaRuntime(
  cacheDir: string,
  log: (message: string) => void,
): Promise<ChromaRuntime> {
  const glibc = systemGlibcVersion();
  if (process.platform !== 'linux' || !glibc || atLeast(glibc, REQUIRED_GLIBC)) {
    return { command: process.execPath, args: [] };
  }
  if (process.arch !== 'x64') {
    throw new ChromaRuntimeUnavailable(
      `glibc ${glibc} is older than ${REQUIRED_GLIBC} and a newer loader is only provisioned on x86_64`,
    );
  }
  const libs = await provisionGlibc(cacheDir, glibc, log);
  return {
    command: join(libs, 'ld-linux-x86-64.so.2'),
    args: ['--library-path', `${libs}:${SYSTEM_LIBS}`, process.execPath],
  };
}

async function provisionGlibc(
  cacheDir: string,
  systemVersion: string,
  log: (message: string) => void,
): Promise<string> {
  const libs = join(cacheDir, 'glibc', 'usr', 'lib', 'x86_64-linux-gnu');
  if (existsSync(join(libs, 'ld-linux-x86-64.so.2'))) return libs;

  log(
    `glibc ${systemVersion} is older than the ${REQUIRED_GLIBC} Chroma needs: ` +
      `fetching Debian 13's libc6 into ${cacheDir} (once)`,
  );
  const work = join(cacheDir, `.provision-${process.pid}-${Date.now()}`);
  try {
    const root = await fetchDebianPackages(work, ['libc6'], {
      sourcesLine:
        'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main',
    });
    await rm(join(cacheDir, 'glibc'), { recursive: true, force: true });
    // The rename makes the runtime appear whole or not at all, even if two processes race.
    await rename(root, join(cacheDir, 'glibc')).catch((error: unknown) => {
      if (!existsSync(join(libs, 'ld-linux-x86-64.so.2'))) throw error;
    });
    return libs;
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr || (error as Error).message;
    throw new ChromaRuntimeUnavailable(
      `glibc ${systemVersion} is older than ${REQUIRED_GLIBC} and fetching a newer one with apt-get failed (${detail.trim()})`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
