import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, loadConfig } from './load-config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('loadConfig', () => {
  it('starts from documented defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({
      host: '127.0.0.1',
      port: 3000,
      bodyLimit: '10mb',
      swagger: true,
    });
    expect(config.chroma.url).toBeUndefined();
    expect(config.embedding.url).toBeUndefined();
    expect(config.embedding.maxBatch).toBe(64);
    expect(config.dataDir).toBe(join(process.cwd(), 'data'));
    expect(config.log.pretty).toBe(true);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ CHROMA_URL: '', VLLM_URL: '  ', PORT: '' }).http.port).toBe(3000);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['CHROMA_URL', 'not a url'],
    ['VLLM_URL', 'ftp://example.test'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
    ['CHROMA_TIMEOUT_MS', '5'],
    ['VLLM_MAX_BATCH', '0'],
    ['CHROMA_AUTH', 'no-colon'],
    ['SWAGGER_ENABLED', 'maybe'],
  ])('names %s when it is %j', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
  });

  it('reports every bad variable at once', () => {
    expect(problemsOf({ PORT: 'x', LOG_LEVEL: 'y' })).toHaveLength(2);
  });

  it('never echoes a secret value in its message', () => {
    const [problem] = problemsOf({ CHROMA_AUTH: 'supersecretpassword' });
    expect(problem).not.toContain('supersecretpassword');
  });

  it('reads secrets from NAME_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'auth'), 'admin:s3cret\n');
    const config = loadConfig({ CHROMA_AUTH_FILE: join(dir, 'auth') });
    expect(config.chroma.headers.Authorization).toBe(
      `Basic ${Buffer.from('admin:s3cret').toString('base64')}`,
    );
  });

  it('refuses an unreadable NAME_FILE and naming a secret twice', () => {
    expect(problemsOf({ VLLM_API_KEY_FILE: '/nonexistent/key' })[0]).toMatch(
      /^VLLM_API_KEY_FILE: cannot read/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'key'), 'k');
    expect(problemsOf({ VLLM_API_KEY: 'a', VLLM_API_KEY_FILE: join(dir, 'key') })[0]).toMatch(
      /both set/,
    );
  });

  it('sends a bearer token to Chroma from CHROMA_TOKEN', () => {
    const config = loadConfig({ CHROMA_URL: 'https://chroma.internal:8443/', CHROMA_TOKEN: 'tok' });
    expect(config.chroma.url).toBe('https://chroma.internal:8443');
    expect(config.chroma.headers).toEqual({ Authorization: 'Bearer tok', 'X-Chroma-Token': 'tok' });
  });

  it('lets VLLM_EMBEDDING_URL override VLLM_URL for embeddings', () => {
    expect(loadConfig({ VLLM_URL: 'http://llm:8000' }).embedding.url).toBe('http://llm:8000');
    expect(
      loadConfig({ VLLM_URL: 'http://llm:8000', VLLM_EMBEDDING_URL: 'http://embed:8001/' })
        .embedding.url,
    ).toBe('http://embed:8001');
  });
});
