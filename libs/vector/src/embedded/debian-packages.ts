import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Downloads Debian packages with apt-get (no root, nothing installed: private package lists and
 * archives under `work`) and unpacks them into `work/root`. `sourcesLine` picks another release
 * than the machine's own. Throws with apt's own message when the mirror cannot be reached.
 */
export async function fetchDebianPackages(
  work: string,
  packages: string[],
  sourcesLine?: string,
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
  await run('apt-get', [...apt, '-qq', 'download', ...packages], {
    cwd: join(work, 'debs'),
    timeout: 300_000,
  });
  const debs = (await readdir(join(work, 'debs'))).filter((file) => file.endsWith('.deb'));
  if (debs.length === 0) throw new Error(`apt-get downloaded none of ${packages.join(', ')}`);
  for (const deb of debs) await run('dpkg', ['-x', join(work, 'debs', deb), join(work, 'root')]);
  return join(work, 'root');
}
