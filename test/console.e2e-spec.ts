import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumRuntime } from './support/chromium-runtime.js';
import { FakeVllmServer } from './support/fake-vllm.server.js';
import { ADMIN, createTestApp, type TestApp, USER_PASSWORD } from './support/test-app.js';

/** The flags Chromium runs with here (as root, no network but loopback). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Where the README's screenshots are written (CONSOLE_SCREENSHOTS=apps/console/screenshots to refresh them). */
const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS || mkdtempSync(join(tmpdir(), 'ms-console-'));

/**
 * The web console driven in a real headless Chromium (playwright-core over Debian's chromium)
 * against the built service, as a person would use it. Every request the page makes is recorded:
 * one to another origin, an uncaught page error or a console error fails the suite.
 */
describe('web console in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let chat: FakeVllmServer;
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];

  const memoriesOfAlice = async () =>
    (await app.api.get('/api/v1/memories?limit=100').expect(200)).body.items as Array<{
      id: string;
      content: string;
      pinned: boolean;
      tags: string[];
      expiresAt: string | null;
    }>;
  const memoryItem = (text: string) => page.locator('.memory-list li', { hasText: text });
  const detail = () => page.getByRole('region', { name: 'Memory', exact: true });

  const signIn = async (username: string, password: string) => {
    await page.goto(`${app.url}/console/`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  };

  beforeAll(async () => {
    chat = await new FakeVllmServer({ model: 'Qwen/Qwen3-8B' }).start();
    const [started, runtime] = await Promise.all([
      createTestApp({ VLLM_CHAT_URL: chat.url, VLLM_CHAT_MODEL: chat.model, VLLM_RETRIES: '0' }),
      chromiumRuntime(),
    ]);
    app = started;
    browser = await chromium.launch({
      executablePath: runtime.executablePath,
      env: { ...process.env, ...runtime.env } as Record<string, string>,
      args: CHROMIUM_ARGS,
      headless: true,
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const origin = new URL(app.url).origin;
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin !== origin) foreignRequests.push(request.url());
    });
    page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // The browser logs each 4xx the API answers; the suite provokes one on purpose (bad input).
      const expected = /the server responded with a status of 4\d\d/.test(message.text());
      if (message.type() === 'error' && !expected) pageErrors.push(`console: ${message.text()}`);
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const content of [
      'Alice drinks dark roast coffee every morning',
      'Alice has a cat called Miso',
      'Alice lives in Lisbon near the river',
    ]) {
      await app.api
        .post('/api/v1/memories')
        .send({ content, type: 'fact', tags: ['seed'] })
        .expect(201);
    }
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await chat?.stop();
  });

  it('is served at /console with a strict Content-Security-Policy; the API keeps its own', async () => {
    const res = await app.http.get('/console/').expect(200);
    expect(res.headers['content-type']).toContain('text/html');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|data:/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(res.text)?.[1];
    expect(script).toBeDefined();
    const asset = await app.http
      .get(script!)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    // The budget: at most 150 KB of JavaScript, gzipped.
    expect(gzipSync(asset.body as Buffer, { level: 9 }).length).toBeLessThan(150 * 1024);
    const api = await app.http.get('/health/live').expect(200);
    expect(api.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('signs in with the form and lists the memories', async () => {
    await signIn('alice', USER_PASSWORD);
    await memoryItem('Alice has a cat called Miso').waitFor();
    await expect(page.locator('.memory-list li').count()).resolves.toBe(3);
  });

  it('searches on Enter and shows the best match first with its score parts', async () => {
    await page.getByLabel('Search').fill('dark roast coffee');
    await page.getByLabel('Search').press('Enter');
    const results = page.getByRole('region', { name: 'Search results' });
    await results.waitFor();
    const first = results.locator('.memory-list li').first();
    await expect(first.textContent()).resolves.toContain(
      'Alice drinks dark roast coffee every morning',
    );
    const explanation = (await first.getByLabel('Score explanation').textContent())!;
    expect(explanation).toMatch(/keyword \d\.\d{3}/);
    expect(explanation).toMatch(/vector \d\.\d{3}/);
    // A signal's part is shown by name: this memory tells rather than asks.
    expect(explanation).toMatch(/statement \d\.\d{3}/);
    // Best first: the scores shown never go up down the list.
    const scores = (await results.getByLabel('Score explanation').allTextContents()).map((text) =>
      Number(/score (\d+\.\d+)/.exec(text)![1]),
    );
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    await first.getByRole('button').click();
    await detail().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'memories-light.png') });
    await page.getByRole('button', { name: 'Back to the list' }).click();
  });

  it("shows the API's message next to the field for bad input, and saves nothing", async () => {
    const before = (await memoriesOfAlice()).length;
    await page.getByRole('button', { name: 'New memory' }).click();
    const form = page.getByRole('form', { name: 'New memory' });
    await form.getByLabel('Content').fill('Alice plays the cello on Sundays');
    await form.getByLabel('Tags (comma-separated)').fill('music, bad/tag');
    await form.getByRole('button', { name: 'Save' }).click();
    const tagsError = form.locator('.field-error');
    await tagsError.waitFor();
    const id = await form.getByLabel('Tags (comma-separated)').getAttribute('aria-describedby');
    expect(await tagsError.getAttribute('id')).toBe(id);
    // The message the API gives for the same input, word for word.
    const refused = await app.api
      .post('/api/v1/memories')
      .send({
        content: 'Alice plays the cello on Sundays',
        type: 'text',
        tags: ['music', 'bad/tag'],
      })
      .expect(400);
    const apiSays = (refused.body.errors as Array<{ field: string; messages: string[] }>)
      .filter((error) => error.field.startsWith('tags'))
      .map((error) => error.messages.join('; '))
      .join('; ');
    expect(apiSays).not.toBe('');
    expect(await tagsError.textContent()).toBe(apiSays);
    expect((await memoriesOfAlice()).length).toBe(before);

    await form.getByLabel('Tags (comma-separated)').fill('music, sunday');
    await form.getByRole('button', { name: 'Save' }).click();
    await memoryItem('Alice plays the cello on Sundays').waitFor();
    const stored = (await memoriesOfAlice()).find((m) => m.content.includes('cello'));
    expect(stored?.tags).toEqual(['music', 'sunday']);
  });

  it('edits a memory, shows the diff in its history and undoes the edit', async () => {
    await memoryItem('Alice plays the cello on Sundays').getByRole('button').click();
    await detail().getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit memory' });
    await form.getByLabel('Content').fill('Alice plays the violin on Sundays');
    await form.getByRole('button', { name: 'Save' }).click();
    await detail().getByText('Alice plays the violin on Sundays').waitFor();
    expect((await memoriesOfAlice()).map((m) => m.content)).toContain(
      'Alice plays the violin on Sundays',
    );

    await detail().getByRole('button', { name: 'History' }).click();
    await expect(detail().locator('.diff del').first().textContent()).resolves.toBe('cello');
    await expect(detail().locator('.diff ins').first().textContent()).resolves.toBe('violin');
    await detail().getByRole('button', { name: 'Restore version 1' }).click();
    await detail().locator('.content', { hasText: 'Alice plays the cello on Sundays' }).waitFor();
    expect((await memoriesOfAlice()).map((m) => m.content)).toContain(
      'Alice plays the cello on Sundays',
    );
  });

  it('sets an expiry, and filters the list by tag', async () => {
    await detail().getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit memory' });
    await form.getByLabel('Expires', { exact: true }).fill('2099-01-02T03:04');
    await form.getByRole('button', { name: 'Save' }).click();
    await detail().getByRole('button', { name: 'Edit' }).waitFor();
    const stored = (await memoriesOfAlice()).find((m) => m.content.includes('cello'));
    expect(new Date(stored!.expiresAt!).getFullYear()).toBe(2099);

    await page.getByText('Filters', { exact: true }).click();
    await page.getByLabel('Tag', { exact: true }).fill('music');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await memoryItem('Alice lives in Lisbon').waitFor({ state: 'detached' });
    await expect(page.locator('.memory-list li').allTextContents()).resolves.toEqual([
      expect.stringContaining('Alice plays the cello on Sundays'),
    ]);
    await page.getByLabel('Tag', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await memoryItem('Alice lives in Lisbon').waitFor();
  });

  it('pins and deletes a memory', async () => {
    await detail().getByRole('button', { name: 'Pin' }).click();
    await detail().getByRole('button', { name: 'Unpin' }).waitFor();
    expect((await memoriesOfAlice()).find((m) => m.content.includes('cello'))?.pinned).toBe(true);

    await detail().getByRole('button', { name: 'Delete' }).click();
    await detail().getByRole('button', { name: 'Yes, delete' }).click();
    await detail().waitFor({ state: 'detached' });
    await memoryItem('cello').waitFor({ state: 'detached' });
    expect((await memoriesOfAlice()).some((m) => m.content.includes('cello'))).toBe(false);
  });

  it('creates an API key shown once, which works until it is revoked', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    const form = page.getByRole('form', { name: 'New API key' });
    await form.getByLabel('Key name').fill('console-test');
    await form.getByLabel('memories:write').uncheck();
    await form.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByLabel('The new key').textContent())!;
    expect(key).toMatch(/^msk_/);
    await app.http.get('/api/v1/memories').set('X-API-Key', key).expect(200);
    // Read only, as chosen.
    await app.http
      .post('/api/v1/memories')
      .set('X-API-Key', key)
      .send({ content: 'x', type: 'fact' })
      .expect(403);
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.content()).not.toContain(key);

    await page.getByRole('button', { name: 'Revoke console-test' }).click();
    await page.getByRole('button', { name: 'Revoke console-test' }).waitFor({ state: 'detached' });
    await app.http.get('/api/v1/memories').set('X-API-Key', key).expect(401);
  });

  it("lists the account's subjects and erases one after a confirmation", async () => {
    await app.api
      .post('/api/v1/memories')
      .set('X-Memory-Subject', 'end-user-7')
      .send({ content: 'End user seven drinks green tea', type: 'fact' })
      .expect(201);
    await page.getByRole('link', { name: 'Memories' }).click();
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('form', { name: 'New API key' }).getByLabel('subjects').waitFor();
    const row = page
      .getByRole('table', { name: 'Subjects' })
      .getByRole('row', { name: /end-user-7/ });
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('1');

    await page.getByRole('button', { name: 'Erase subject end-user-7' }).click();
    await page.getByRole('button', { name: 'Erase end-user-7' }).click();
    await row.waitFor({ state: 'detached' });
    const listed = (await app.api.get('/api/v1/subjects').expect(200)).body.items;
    expect(listed.map((subject: { id: string }) => subject.id)).not.toContain('end-user-7');
    const left = await app.api.get('/api/v1/memories').set('X-Memory-Subject', 'end-user-7');
    expect(left.body.items).toEqual([]);
  });

  it("shows a session's context window and memories", async () => {
    const session = await app.api
      .post('/api/v1/sessions')
      .send({ title: 'Trip planning', extract: false })
      .expect(201);
    await app.api
      .post(`/api/v1/sessions/${session.body.id}/context`)
      .send({ items: [{ role: 'user', content: 'Book the train to Porto for Friday' }] })
      .expect((res) => expect(res.status).toBeLessThan(300));
    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByRole('button', { name: 'Trip planning' }).click();
    const context = page.getByRole('region', { name: 'Session context' });
    await context.getByText('Book the train to Porto for Friday').waitFor();
  });

  it('shows the decisions of an extraction dry run, which writes nothing, then applies them', async () => {
    const facts = { facts: [{ content: 'Alice is learning Portuguese', type: 'fact' }] };
    const add = { decisions: [{ fact: 1, action: 'ADD', memory: null, content: null }] };
    chat.scriptChat(facts, add);
    await page.getByRole('link', { name: 'Extraction' }).click();
    const form = page.getByRole('form', { name: 'Extraction' });
    await form
      .getByLabel(/Conversation/)
      .fill('user: I started learning Portuguese.\nassistant: Nice!');
    await form.getByRole('button', { name: 'Dry run' }).click();
    const decisions = page.getByRole('region', { name: 'Decisions' });
    await decisions.getByText('Alice is learning Portuguese').waitFor();
    expect(await decisions.locator('tbody td').first().textContent()).toBe('add');
    expect((await memoriesOfAlice()).some((m) => m.content.includes('Portuguese'))).toBe(false);

    chat.scriptChat(facts, add);
    await form.getByRole('button', { name: 'Apply' }).click();
    await decisions.getByRole('heading', { name: 'Applied' }).waitFor();
    expect((await memoriesOfAlice()).map((m) => m.content)).toContain(
      'Alice is learning Portuguese',
    );
    expect(chat.scriptedLeft).toBe(0);
  });

  it('signs out: the page forgets the session', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.content()).not.toContain('Alice lives in Lisbon');
  });

  it('runs and verifies a backup as the admin', async () => {
    await signIn(ADMIN.username, ADMIN.password);
    await page.getByRole('link', { name: 'Admin' }).click();
    const backups = page.getByRole('region', { name: 'Backups' });
    await backups.getByRole('button', { name: 'Back up now' }).click();
    await backups
      .getByRole('status')
      .getByText(/Backed up: /)
      .waitFor({ timeout: 60_000 });
    const name = (await backups.locator('tbody code').first().textContent())!;
    const listed = (await app.admin.get('/api/v1/admin/backups').expect(200)).body as {
      items: Array<{ name: string }>;
      running: unknown;
    };
    expect(listed.items.map((b) => b.name)).toContain(name);
    expect(listed.running).toBeNull(); // the job is over
    await backups.getByRole('button', { name: `Verify ${name}` }).click();
    await backups.getByText('verified (signature valid)').waitFor({ timeout: 60_000 });

    await backups.getByRole('button', { name: `Restore ${name} (replace)` }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Confirm restore' });
    expect(await confirm.textContent()).toContain('replace mode');
    await confirm.getByRole('button', { name: 'Cancel' }).click();

    const users = page.getByRole('region', { name: 'Users' });
    await users.getByLabel('New username').fill('bob');
    await users.getByLabel('Initial password').fill('short');
    await users.getByRole('button', { name: 'Create user' }).click();
    await users.getByLabel('Initial password').and(page.locator('[aria-invalid="true"]')).waitFor();
    await expect(users.locator('.field-error').textContent()).resolves.toMatch(/password/i);
    await app.admin.get('/api/v1/admin/users').expect((res) => {
      expect(res.body.items.map((u: { username: string }) => u.username)).not.toContain('bob');
    });
    await users.getByLabel('Initial password').fill('bob-password-123456');
    await users.getByRole('button', { name: 'Create user' }).click();
    await users.getByRole('button', { name: 'Disable bob' }).click();
    await users.getByRole('button', { name: 'Enable bob' }).waitFor();
    const bob = (await app.admin.get('/api/v1/admin/users').expect(200)).body.items.find(
      (u: { username: string }) => u.username === 'bob',
    );
    expect(bob.disabled).toBe(true);

    await page.getByRole('region', { name: 'Health' }).getByText('chroma').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-light.png'), fullPage: true });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  it('is usable 375 px wide and in dark mode', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await signIn('alice', USER_PASSWORD);
    await memoryItem('Alice has a cat called Miso').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'memories-dark.png') });
    await page.setViewportSize({ width: 375, height: 740 });
    // Nothing wider than the screen: no sideways scrolling.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      375,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'memories-375.png') });
    await page.getByRole('button', { name: 'Sign out' }).click();
  });

  it('made no request to another origin and raised no page or console error', () => {
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
