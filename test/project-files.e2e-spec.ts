import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import semver from 'semver';
import { EnvironmentSchema } from '@memory-system/core';
import { createChromaDatabase, sharedChromaUrl } from './support/chroma.js';
import { anchorOf, renderReadme } from './support/readme-sections.mjs';
import { freePort } from './support/server-process.js';
import { waitFor } from './support/write-load.js';

/** The files a newcomer reads first tell the truth: the README's generated parts and the Node line. */
const root = process.cwd();
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const readme = read('README.md');

describe('README', () => {
  it('has its table of contents and configuration table as `npm run readme` makes them', async () => {
    const expected = await renderReadme(readme, read('.env.example'));
    const firstStale = expected.split('\n').findIndex((line, i) => readme.split('\n')[i] !== line);
    expect(
      readme === expected ? 'current' : `stale from line ${firstStale + 1}: npm run readme`,
    ).toBe('current');
  });

  it('lists every variable the configuration schema reads in its configuration table', () => {
    const table = readme.slice(
      readme.indexOf('<!-- config-table:start'),
      readme.indexOf('<!-- config-table:end'),
    );
    const names = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(EnvironmentSchema, '', true, false)
        .map((rule) => rule.propertyName),
    );
    expect(names.size).toBeGreaterThan(70);
    expect([...names].filter((name) => !table.includes(`\`${name}\``))).toEqual([]);
  });

  it('links every ## section from the table of contents, and no heading twice', () => {
    const headings = [...readme.matchAll(/^#{2,4} (.+)$/gm)].map((m) => anchorOf(m[1]!));
    expect(headings.filter((anchor, index) => headings.indexOf(anchor) !== index)).toEqual([]);
    for (const match of readme.matchAll(/^## (.+)$/gm))
      expect(readme).toContain(`](#${anchorOf(match[1]!)})`);
  });

  it('generates every Docker secret it creates, so none fails the production checks', () => {
    const creates = readme.split('\n').filter((line) => line.includes('docker secret create'));
    expect(creates.length).toBeGreaterThan(3);
    for (const line of creates) expect(line).toMatch(/openssl rand/);
  });

  it('defines every shell variable its commands use', () => {
    const blocks = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!).join('\n');
    const used = new Set([...blocks.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));
    const defined = new Set(
      [...blocks.matchAll(/(?:^|[\s;(])([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!),
    );
    // Set by the backup hook for its command (see Backups), or by the reader's shell.
    const given = new Set(['BACKUP_FILE', 'BACKUP_NAME', 'HOME', 'PWD']);
    expect([...used].filter((name) => !defined.has(name) && !given.has(name))).toEqual([]);
  });
});

describe('npm start', () => {
  it('does not rebuild when the sources are those of the last build (npm test has just built)', () => {
    const verdict = execFileSync(
      'node',
      ['apps/memory-api/scripts/build-if-stale.mjs', '--check'],
      {
        encoding: 'utf8',
      },
    );
    expect(verdict.trim()).toBe('up to date');
  });

  it('serves /health from a second start without building (npm test was the first)', async () => {
    // npm as a newcomer's shell finds it; its scripts run the node first on PATH (CI puts the
    // declared line there).
    const chromaUrl = sharedChromaUrl();
    const port = await freePort();
    const npmStart = spawn('npm', ['start'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'test',
        PORT: String(port),
        DATA_DIR: mkdtempSync(join(tmpdir(), 'ms-data-')),
        BACKUP_DIR: mkdtempSync(join(tmpdir(), 'ms-backups-')),
        ADMIN_PASSWORD: 'npm-start-admin-password',
        CHROMA_URL: chromaUrl,
        CHROMA_DATABASE: await createChromaDatabase(chromaUrl),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // npm and the service in one process group, stopped together
    });
    let output = '';
    npmStart.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npmStart.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(
        async () =>
          (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.status === 200,
        60_000,
      );
      expect(output).toContain('dist/ is up to date with the sources: starting without a build');
      expect(output).not.toContain('Building');
    } finally {
      process.kill(-npmStart.pid!, 'SIGTERM');
      await once(npmStart, 'exit');
    }
  });
});

describe('the Node line', () => {
  const declared = read('.nvmrc').trim();
  const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;

  it('is one version, which package.json, the Dockerfile, CI and the README follow', () => {
    expect(semver.valid(declared)).toBe(declared);
    expect(semver.satisfies(declared, engines)).toBe(true);
    expect(read('docker/Dockerfile')).toContain(`ARG NODE_IMAGE=node:${declared}-`);
    expect(read('.ci/run')).toMatch(/^source \.ci\/use-declared-node\.sh$/m);
    expect(readme).toContain(`Node.js ${semver.major(declared)}`);
  });

  it('meets the engines every installed dependency declares (no EBADENGINE warning)', () => {
    const unmet: string[] = [];
    const visit = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
        const dir = join(folder, entry.name);
        if (entry.name.startsWith('@')) {
          visit(dir);
          continue;
        }
        const manifest = join(dir, 'package.json');
        if (existsSync(manifest)) {
          const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
            name?: string;
            version?: string;
            engines?: { node?: unknown };
          };
          const range = pkg.engines?.node;
          if (
            typeof range === 'string' &&
            semver.validRange(range) &&
            !semver.subset(engines, range)
          )
            unmet.push(`${pkg.name}@${pkg.version} wants node ${range}`);
        }
        if (existsSync(join(dir, 'node_modules'))) visit(join(dir, 'node_modules'));
      }
    };
    visit(join(root, 'node_modules'));
    expect(unmet).toEqual([]);
  });
});
