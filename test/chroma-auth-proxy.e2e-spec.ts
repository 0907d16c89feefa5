import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { EmbeddedChromaServer } from '@memory-system/vector';
import { startChroma } from './support/chroma.js';
import { NginxServer } from './support/nginx.js';
import { freePort } from './support/server-process.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface StackService {
  command?: string[];
  healthcheck?: { test: string[] };
}
const stack = parse(readFileSync('docker/stack.yml', 'utf8')) as {
  services: Record<string, StackService>;
};

/**
 * The stack's Chroma front door run for real (Docker cannot run here): Debian's nginx with
 * docker/chroma-proxy.conf as the stack mounts it, its password file made by the stack's own
 * command from a memory_chroma_auth secret, in front of a real Chroma. Only the addresses
 * change (loopback ports for the stack's service names).
 */
describe("the stack's Chroma auth proxy (nginx) in front of a real Chroma", () => {
  const dir = mkdtempSync(join(tmpdir(), 'ms-chroma-proxy-'));
  const secret = join(dir, 'memory_chroma_auth');
  const htpasswd = join(dir, 'chroma.htpasswd');
  let chroma: EmbeddedChromaServer;
  let nginx: NginxServer;
  let proxyUrl: string;
  let app: TestApp | undefined;
  const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

  beforeAll(async () => {
    chroma = await startChroma();
    // A secret as the README makes it (chroma:<48 hex digits>), with a newline at the end.
    writeFileSync(secret, `chroma:${randomBytes(24).toString('hex')}\n`);
    // The proxy service's own command, up to starting nginx: it writes the password file.
    const [shell, flag, script] = stack.services.chromadb!.command!;
    const makePasswordFile = script!
      .replace(/ && exec nginx .*$/s, '')
      .replaceAll('$$', '$') // compose's escape for a literal $
      .replaceAll('/run/secrets/memory_chroma_auth', secret)
      .replaceAll('/etc/nginx/chroma.htpasswd', htpasswd);
    execFileSync(shell!, [flag!, makePasswordFile]);
    const port = await freePort();
    const conf = readFileSync('docker/chroma-proxy.conf', 'utf8')
      .replace('listen 8000;', `listen 127.0.0.1:${port};`)
      .replaceAll('http://chroma-server:8000', chroma.url)
      .replace('/etc/nginx/chroma.htpasswd', htpasswd);
    nginx = await NginxServer.start(dir, conf, port);
    proxyUrl = `http://127.0.0.1:${port}`;
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    await nginx?.stop();
    await chroma?.stop();
  });

  it('refuses requests without credentials or with wrong ones', async () => {
    const heartbeat = `${proxyUrl}/api/v2/heartbeat`;
    expect((await fetch(heartbeat)).status).toBe(401);
    const [user, password] = readFileSync(secret, 'utf8').trim().split(':') as [string, string];
    for (const wrong of [
      `${user}:wrong`,
      `other:${password}`,
      `${user}:${password.slice(0, -1)}`,
    ]) {
      expect((await fetch(heartbeat, { headers: { Authorization: basic(wrong) } })).status).toBe(
        401,
      );
    }
    // Nothing past the heartbeat either: the collections of the default database.
    const collections = `${proxyUrl}/api/v2/tenants/default_tenant/databases/default_database/collections`;
    expect((await fetch(collections)).status).toBe(401);
  });

  it("lets the secret's credentials through, and answers the healthcheck path without any", async () => {
    const secretCredentials = readFileSync(secret, 'utf8').trim();
    const ok = await fetch(`${proxyUrl}/api/v2/heartbeat`, {
      headers: { Authorization: basic(secretCredentials) },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toHaveProperty('nanosecond heartbeat');
    expect((await fetch(`${proxyUrl}/healthz`)).status).toBe(200);
  });

  it('serves the app, which sends the credentials from CHROMA_AUTH_FILE', async () => {
    app = await createTestApp({
      CHROMA_URL: proxyUrl,
      CHROMA_AUTH_FILE: secret,
      CHROMA_DATABASE: 'default_database',
    });
    const stored = await app.api
      .post('/api/v1/memories')
      .send({ content: 'behind the proxy', type: 'note' })
      .expect(201);
    const found = await app.api
      .post('/api/v1/memories/search')
      .send({ query: 'proxy', mode: 'vector' })
      .expect(200);
    expect(found.body.results.map((r: { id: string }) => r.id)).toContain(stored.body.id);
    expect((await app.http.get('/health/ready')).body.details.chroma.status).toBe('up');
  }, 120_000);

  it("passes Chroma's own healthcheck (bash's /dev/tcp, as the image has no curl)", () => {
    const [, bash, flag, check] = stack.services['chroma-server']!.healthcheck!.test;
    const { port } = new URL(chroma.url);
    const here = check!.replace('/dev/tcp/127.0.0.1/8000', `/dev/tcp/127.0.0.1/${port}`);
    expect(() => execFileSync(bash!, [flag!, here])).not.toThrow();
  });
});
