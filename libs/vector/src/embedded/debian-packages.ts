import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The packages dpkg has installed on this machine. */
async function installedPackages(): Promise<Set<string>> {
  const { stdout } = await run('dpkg-query', ['-W', '-f', '${Package}\\n'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return new Set(stdout.split('\n').filter(Boolean));
}

/** `packages` and everything they depend on (recursively) that this machine lacks. */
async function withMissingDependencies(apt: string[], packages: string[]): Promise<string[]> {
  const { stdout } = await run(
    'apt-cache',
    [
      ...apt,
      'depends',
      '--recurse',
      '--no-recommends',
      '--no-suggests',
      '--no-conflicts',
      '--no-breaks',
      '--no-replaces',
      '--no-enhances',
      ...packages,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const installed = await installedPackages();
  // Package names start a line; indented lines are their dependencies; <name> is virtual.
  const names = stdout.split('\n').filter((line) => /^[a-z0-9]/.test(line));
  return [...new Set(names)].filter((name) => !installed.has(name) || packages.includes(name));
}

export interface DebianFetchOptions {
  /** Another release than the machine's own: a sources.list line. */
  sourcesLine?: string;
  /** Also fetch what the packages depend on and this machine has not installed. */
  dependencies?: boolean;
}

/**
 * Downloads Debian packages with apt-get (no root, nothing installed: private package lists and
 * archives under `work`) and unpacks them into `work/root`. Throws with apt's own message when the
 * mirror cannot be reached.
 */
export async function fetchDebianPackages(
  work: string,
  packages: string[],
  { sourcesLine, dependencies = false }: DebianFetchOptions = {},
): Promise<string> {
  await mkdir(join(work, 'lists', 'partial'), { recursive: true });
  await mkdir(join(work, 'archives', 'partial'), { recursive: true });
  await mkdir(join(work, 'debs'), { recursive: true });
  const apt = [
    '-o',
    `Dir::State::Lists=${join(work, 'lists')}`,
    '-o',
    `Dir::Cache::Archives=${join(work, 'archives')}`,
    '-o',
    'Debug::NoLocking=1',
    '-o',
    'APT::Sandbox::User=root',
  ];
  if (sourcesLine) {
    const sources = join(work, 'sources.list');
    await writeFile(sources, `${sourcesLine}\n`);
    apt.push('-o', `Dir::Etc::SourceList=${sources}`, '-o', 'Dir::Etc::SourceParts=/dev/null');
  }
  await run('apt-get', [...apt, '-qq', 'update'], { timeout: 300_000 });
  const wanted = dependencies ? await withMissingDependencies(apt, packages) : packages;
  await run('apt-get', [...apt, '-qq', 'download', ...wanted], {
    cwd: join(work, 'debs'),
    timeout: 300_000,
  });
  const debs = (await readdir(join(work, 'debs'))).filter((file) => file.endsWith('.deb'));
  if (debs.length === 0) throw new Error(`apt-get downloaded none of ${packages.join(', ')}`);
  for (const deb of debs) await run('dpkg', ['-x', join(work, 'debs', deb), join(work, 'root')]);
  return join(work, 'root');
}
