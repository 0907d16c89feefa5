import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { userHashOf } from '@memory-system/vector';
import { dumpChroma } from './support/chroma-dump.js';
import { FakeVllmServer } from './support/fake-vllm.server.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** How long the model takes to decide: the account is closed meanwhile. */
const DECIDE_DELAY_MS = 3000;

const facts = (content: string) => ({ facts: [{ content, type: 'fact' }] });
const addIt = { decisions: [{ fact: 1, action: 'ADD', memory: null, content: null }] };

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 15_000) throw new Error('timed out waiting');
    await sleep(20);
  }
}

/** Every table name and row of a SQLite file that holds any of `needles`, as text. */
/** What the keyword index's files (one per share of its owners) say of the needles. */
function keywordIndexMentions(dataDir: string, needles: string[]): string[] {
  const dir = join(dataDir, 'lexical');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.db'))
    .flatMap((name) => sqliteMentions(join(dir, name), needles));
}

function sqliteMentions(file: string, needles: string[]): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const found: string[] = [];
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type IN ('table') AND name NOT LIKE 'sqlite_%'",
      )
      .all() as Array<{ name: string }>;
    for (const { name } of tables) {
      if (needles.some((needle) => name.includes(needle))) found.push(`table ${name}`);
      let rows: unknown[];
      try {
        rows = db.prepare(`SELECT * FROM "${name}"`).all();
      } catch {
        continue; // an FTS5 shadow table that cannot be read on its own
      }
      for (const row of rows) {
        const text = JSON.stringify(row, (_, value: unknown) =>
          Buffer.isBuffer(value) ? value.toString('latin1') : value,
        );
        if (needles.some((needle) => text.includes(needle))) found.push(`${name}: ${text}`);
      }
    }
    return found;
  } finally {
    db.close();
  }
}

describe('a user closed while their writes are under way (issue 27, item 13)', () => {
  let t: TestApp;
  let chat: FakeVllmServer;
  const dataDir = mkdtempSync(join(tmpdir(), 'ms-erasure-'));

  beforeAll(async () => {
    chat = await new FakeVllmServer({ model: 'Qwen/Qwen3-8B' }).start();
    t = await createTestApp({
      DATA_DIR: dataDir,
      VLLM_CHAT_URL: chat.url,
      VLLM_CHAT_MODEL: chat.model,
      VLLM_RETRIES: '0',
      VLLM_TIMEOUT_MS: String(DECIDE_DELAY_MS * 4),
    });
  });
  afterAll(async () => {
    await t.close();
    await chat.stop();
  });

  /**
   * Starts an extraction of `fact` whose decide call answers only after DECIDE_DELAY_MS, and
   * returns once that call is waiting (the facts are extracted, the neighbours read).
   */
  async function extractionWaitingOnTheModel(
    agent: TestApp['api'],
    fact: string,
    extra: object = {},
  ) {
    const asked = chat.requests.length;
    chat.scriptChat(() => {
      chat.fail({ kind: 'slow', delayMs: DECIDE_DELAY_MS }); // the next call: decide
      return facts(fact);
    }, addIt);
    const answer = agent
      .post('/api/v1/memories/extract')
      .send({ messages: [{ role: 'user', content: fact }], ...extra })
      .then((res) => res);
    await until(() => chat.requests.length >= asked + 2);
    return { answer }; // wrapped: an async function returning the promise would wait for it
  }

  const chromaDocuments = async () =>
    Object.values(await dumpChroma(t.chroma!.url, t.chroma!.database)).flatMap((records) =>
      records.map((record) => record.document),
    );

  it('refuses the writes of a user disabled meanwhile: nothing is stored after the disable answered', async () => {
    const user = await t.signUp('disabled-midway');
    await user.agent
      .post('/api/v1/memories')
      .send({ content: 'Stored before the disable', type: 'fact' })
      .expect(201);
    const fact = 'Learned while the account was being disabled';
    const extraction = await extractionWaitingOnTheModel(user.agent, fact);

    await t.admin.patch(`/api/v1/admin/users/${user.id}`).send({ disabled: true }).expect(200);
    const answer = await extraction.answer;

    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(answer.body.detail).toMatch(/disabled: nothing more is stored/);
    expect(chat.scriptedLeft).toBe(0); // the model did answer: the write itself was refused
    expect(await chromaDocuments()).not.toContain(fact);
    expect(keywordIndexMentions(dataDir, [fact])).toEqual([]);
    expect(sqliteMentions(join(dataDir, 'state.db'), [fact])).toEqual([]);
    // Enabled again, the account holds what it held before.
    await t.admin.patch(`/api/v1/admin/users/${user.id}`).send({ disabled: false }).expect(200);
    const again = t.agentFor((await t.login('disabled-midway', 'alice-password-123')).accessToken);
    const items = (await again.get('/api/v1/memories').expect(200)).body.items;
    expect(items.map((m: { content: string }) => m.content)).toEqual(['Stored before the disable']);
  });

  it('leaves nothing of a user deleted during an extraction in Chroma, the keyword index or the state store', async () => {
    const user = await t.signUp('deleted-midway');
    const session = (await user.agent.post('/api/v1/sessions').send({}).expect(201)).body;
    await user.agent
      .post('/api/v1/memories')
      .send({ content: 'Kept bees before the deletion', type: 'fact', sessionId: session.id })
      .expect(201);
    const fact = 'Learned while the account was being deleted';
    const extraction = await extractionWaitingOnTheModel(user.agent, fact);

    await t.admin.delete(`/api/v1/admin/users/${user.id}`).expect(204);
    const answer = await extraction.answer;
    expect(answer.status).toBeGreaterThanOrEqual(400);
    // Past the model's delay: an extraction that went on would have stored the fact by now.
    await sleep(DECIDE_DELAY_MS + 1000);

    const needles = [user.id, userHashOf(user.id), fact, 'Kept bees', session.id];
    const dump = await dumpChroma(t.chroma!.url, t.chroma!.database);
    expect(Object.keys(dump).filter((name) => name.includes(userHashOf(user.id)))).toEqual([]);
    expect(await chromaDocuments()).not.toContain(fact);
    expect(keywordIndexMentions(dataDir, needles)).toEqual([]);
    // The one trace left is by design: the keyword index's change counter (a number under the
    // user's hash), which tells other replicas to drop their copy.
    expect(
      sqliteMentions(join(dataDir, 'state.db'), needles).filter(
        (row) => !row.startsWith('state: {"namespace":"lexical-generation"'),
      ),
    ).toEqual([]);
  });
});
