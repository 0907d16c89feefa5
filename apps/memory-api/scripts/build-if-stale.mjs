// `npm start` builds only when the sources changed since the last build: the build (TypeScript for
// two apps, about 25 s on 2 cores) is most of a first start and none of a second. What was built
// from is a hash of every file the build reads, kept in dist/ by `npm run build` (--stamp).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.cwd();
const stampFile = join(root, 'dist', '.source-hash');
const inputs = [
  'apps',
  'libs',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'nest-cli.json',
];

/** Folders inside the inputs that hold what a build or an install made, not sources. */
const generated = /(^|[/\\])(node_modules|dist)([/\\]|$)/;

/** Every file under the inputs that exist (generated folders aside), in a stable order. */
function inputFiles() {
  return inputs
    .map((input) => join(root, input))
    .filter((path) => existsSync(path))
    .flatMap((path) =>
      statSync(path).isDirectory()
        ? readdirSync(path, { withFileTypes: true, recursive: true })
            .filter((entry) => entry.isFile())
            .map((entry) => join(entry.parentPath, entry.name))
            .filter((file) => !generated.test(relative(root, file)))
        : [path],
    )
    .sort();
}

function sourceHash() {
  const hash = createHash('sha256');
  for (const path of inputFiles())
    hash.update(relative(root, path)).update('\0').update(readFileSync(path)).update('\0');
  return hash.digest('hex');
}

const current = sourceHash();
const upToDate = existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === current;
if (process.argv.includes('--stamp')) {
  writeFileSync(stampFile, `${current}\n`);
} else if (process.argv.includes('--check')) {
  console.log(upToDate ? 'up to date' : 'stale');
  process.exitCode = upToDate ? 0 : 1;
} else if (upToDate) {
  console.log('dist/ is up to date with the sources: starting without a build');
} else {
  console.log('Building: the sources changed since the last build, or there is none yet (~25 s)');
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
}
