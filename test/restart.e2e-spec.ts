import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChroma } from './support/chroma.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Acknowledged {
  id: string;
  content: string;
}

async function writeMemories(t: TestApp, prefix: string): Promise<Acknowledged[]> {
  const acked: Acknowledged[] = [];
  for (let i = 0; i < 20; i++) {
    const res = await t.api
      .post('/api/v1/memories')
      .send({ content: `${prefix} single ${i}`, type: 'note', tags: ['restart'] });
    if (res.status === 201) acked.push({ id: res.body.id, content: res.body.content });
  }
  const items = Array.from({ length: 100 }, (_, i) => ({
    content: `${prefix} batch ${i}`,
    type: 'note',
  }));
  const batch = await t.api.post('/api/v1/memories/batch').send({ items });
  if (batch.status === 200) {
    for (const r of batch.body.results) acked.push({ id: r.memory.id, content: r.memory.content });
  }
  return acked;
}

async function expectAllPresent(t: TestApp, acked: Acknowledged[]): Promise<void> {
  for (const { id, content } of acked) {
    const res = await t.api.get(`/api/v1/memories/${id}`);
    expect({ id, status: res.status, content: res.body.content }).toEqual({
      id,
      status: 200,
      content,
    });
  }
  const found = await t.api
    .post('/api/v1/memories/search')
    .send({ query: acked[0]!.content, limit: 1 })
    .expect(200);
  expect(found.body.results[0].id).toBe(acked[0]!.id);
}

describe('every acknowledged write survives a restart', () => {
  it('of the app and of a Chroma server that was killed (SIGKILL)', async () => {
    const chromaDir = mkdtempSync(join(tmpdir(), 'ms-restart-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'ms-restart-state-'));
    let chroma = await startChroma(chromaDir);
    const env = () => ({
      CHROMA_URL: chroma.url,
      CHROMA_DATABASE: 'default_database',
      DATA_DIR: dataDir,
    });
    let t = await createTestApp(env());
    const acked = await writeMemories(t, 'killed');
    expect(acked).toHaveLength(120);
    await t.close();
    await chroma.kill();

    chroma = await startChroma(chromaDir);
    t = await createTestApp(env());
    try {
      await expectAllPresent(t, acked);
    } finally {
      await t.close();
      await chroma.stop();
    }
  });

  it('of the app with its embedded Chroma (as npm start runs it)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ms-embedded-'));
    let t = await createTestApp({ CHROMA_URL: '', DATA_DIR: dataDir });
    const acked = await writeMemories(t, 'embedded');
    await t.close(); // stops the embedded Chroma server

    t = await createTestApp({ CHROMA_URL: '', DATA_DIR: dataDir });
    try {
      await expectAllPresent(t, acked);
    } finally {
      await t.close();
    }
  });
});
