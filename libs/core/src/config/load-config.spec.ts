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
  it('reads body limits in bytes, any unit case', () => {
    const config = loadConfig({ REQUEST_BODY_LIMIT: '512KB', IMPORT_BODY_LIMIT: '200b' });
    expect(config.http.bodyLimitBytes).toBe(512 * 1024);
    expect(config.http.importBodyLimitBytes).toBe(200);
    expect(() => loadConfig({ REQUEST_BODY_LIMIT: '10gb' })).toThrow(/REQUEST_BODY_LIMIT/);
  });

  it('starts from documented defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({
      host: '127.0.0.1',
      port: 3000,
      bodyLimitBytes: 10 * 1024 * 1024,
      importBodyLimitBytes: 50 * 1024 * 1024,
      swagger: true,
      allowedOrigins: [],
      trustProxy: false,
      requestTimeoutMs: 60_000,
      maxConnections: 1024,
    });
    expect(config.quota).toEqual({ maxMemoriesPerUser: 1_000_000 });
    expect(config.extraction).toMatchObject({ queuePerUser: 4, maxPromptChars: 64_000 });
    expect(config.sessions).toEqual({ ttlMs: 30 * 60_000, maxContextItems: 100, maxPerUser: 100 });
    expect(config.auth).toMatchObject({ accessTtlSeconds: 900, adminUsername: 'admin' });
    expect(config.chroma.url).toBeUndefined();
    expect(config.embedding.url).toBeUndefined();
    expect(config.embedding.maxBatch).toBe(64);
    expect(config.dataDir).toBe(join(process.cwd(), 'data'));
    expect(config.log.pretty).toBe(true);
  });

  it('lets /mcp answer only to this machine by default when it listens on loopback only', () => {
    expect(loadConfig({}).mcp).toEqual({
      allowedHosts: ['localhost', '127.0.0.1', '[::1]'],
      allowedOrigins: [],
    });
    expect(
      loadConfig({ HOST: '0.0.0.0', ALLOWED_ORIGINS: 'https://chat.example.com/' }).mcp,
    ).toEqual({
      allowedHosts: [],
      allowedOrigins: ['https://chat.example.com'],
    });
    expect(
      loadConfig({ MCP_ALLOWED_HOSTS: 'Memory.Example.com, [::1]', MCP_ALLOWED_ORIGINS: '*' }).mcp,
    ).toEqual({ allowedHosts: ['memory.example.com', '[::1]'], allowedOrigins: ['*'] });
  });

  it("reads the seed's host and port names as URLs, with a notice; ours win", () => {
    const seed = loadConfig({
      CHROMA_HOST: '10.0.0.5',
      CHROMA_PORT: '8001',
      VLLM_HOST: 'vllm.internal',
      JWT_EXPIRES_IN: '24h',
    });
    expect(seed.chroma.url).toBe('http://10.0.0.5:8001');
    expect(seed.embedding.url).toBe('http://vllm.internal:8000');
    expect(seed.chat.url).toBe('http://vllm.internal:8000');
    expect(seed.auth.accessTtlSeconds).toBe(24 * 3600);
    expect(seed.notices).toEqual([
      'CHROMA_HOST/CHROMA_PORT (seed names) read as CHROMA_URL=http://10.0.0.5:8001',
      'VLLM_HOST/VLLM_PORT (seed names) read as VLLM_URL=http://vllm.internal:8000',
      expect.stringMatching(/^JWT_EXPIRES_IN \(seed name\) read as JWT_ACCESS_TTL=24h/),
    ]);
    const both = loadConfig({ CHROMA_HOST: '10.0.0.5', CHROMA_URL: 'http://chroma:8000' });
    expect(both.chroma.url).toBe('http://chroma:8000');
    expect(both.notices).toEqual([
      expect.stringMatching(/CHROMA_HOST.*ignored: CHROMA_URL is set/),
    ]);
  });

  it('reports a variable that looks like ours but is not, with the closest name', () => {
    const config = loadConfig({
      CHROMA_ULR: 'http://x:1',
      VLLM_EMBEDING_MODEL: 'bge',
      BACKUP_WHATEVER_THING: '1',
      JWT_SECRET_FILE: '',
      PATH: '/usr/bin',
      HOME: '/root',
    });
    expect(config.notices).toEqual([
      'BACKUP_WHATEVER_THING is not a setting of this service and is ignored',
      'CHROMA_ULR is not a setting of this service and is ignored (did you mean CHROMA_URL?)',
      'VLLM_EMBEDING_MODEL is not a setting of this service and is ignored (did you mean VLLM_EMBEDDING_MODEL?)',
    ]);
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

  describe('in production', () => {
    const strong = {
      NODE_ENV: 'production',
      JWT_SECRET: 'k3Jq9vX2mPz8Lw4Rt6Yb1Nc5Hd7Gf0Sa',
      ADMIN_PASSWORD: 'Vt8#qL2m!xR9zP4k',
      METRICS_TOKEN: 'm7Hq2Lx9Pz4Kw1Rt',
    };

    it('starts with a strong JWT secret and admin password, and no /docs unless asked', () => {
      const config = loadConfig(strong);
      expect(config.auth.jwtSecret).toBe(strong.JWT_SECRET);
      expect(config.http.swagger).toBe(false);
      expect(config.notices).toEqual([]);
    });

    it('refuses an open /metrics unless METRICS_PUBLIC says it is meant, and says so at start', () => {
      expect(problemsOf({ ...strong, METRICS_TOKEN: '' })).toEqual([
        expect.stringMatching(/^METRICS_TOKEN: required in production.*METRICS_PUBLIC=true/),
      ]);
      const open = loadConfig({ ...strong, METRICS_TOKEN: '', METRICS_PUBLIC: 'true' });
      expect(open.metrics.token).toBeUndefined();
      expect(open.notices).toEqual([expect.stringMatching(/METRICS_PUBLIC=true in production/)]);
      const docs = loadConfig({ ...strong, SWAGGER_ENABLED: 'true' });
      expect(docs.http.swagger).toBe(true);
      expect(docs.notices).toEqual([expect.stringMatching(/SWAGGER_ENABLED=true in production/)]);
    });

    it.each([
      ['no JWT_SECRET', { JWT_SECRET: '' }, /^JWT_SECRET: required in production/],
      [
        'a short JWT_SECRET',
        { JWT_SECRET: 'short-secret' },
        /^JWT_SECRET: must be at least 32 bytes/,
      ],
      [
        'a default JWT_SECRET',
        { JWT_SECRET: 'change-me-change-me-change-me-change-me' },
        /^JWT_SECRET: is a default/,
      ],
      [
        'a repeated-character JWT_SECRET',
        { JWT_SECRET: 'a'.repeat(40) },
        /^JWT_SECRET: is a default/,
      ],
      ['no ADMIN_PASSWORD', { ADMIN_PASSWORD: '' }, /^ADMIN_PASSWORD: required in production/],
      [
        'a short ADMIN_PASSWORD',
        { ADMIN_PASSWORD: 'Sh0rt!' },
        /^ADMIN_PASSWORD: must be at least 12/,
      ],
      [
        'a default ADMIN_PASSWORD',
        { ADMIN_PASSWORD: 'admin-admin-admin' },
        /^ADMIN_PASSWORD: is a default/,
      ],
      [
        'a short METRICS_TOKEN',
        { METRICS_TOKEN: 'm7Hq2Lx9' },
        /^METRICS_TOKEN: must be at least 16 bytes/,
      ],
      [
        'a default METRICS_TOKEN',
        { METRICS_TOKEN: 'change-me-metrics-token' },
        /^METRICS_TOKEN: is a default/,
      ],
      [
        'a default BACKUP_SIGNING_KEY',
        { BACKUP_SIGNING_KEY: 'secret-secret-secret-secret-secret' },
        /^BACKUP_SIGNING_KEY: is a default/,
      ],
      [
        'a repeated-character BACKUP_SIGNING_KEY',
        { BACKUP_SIGNING_KEY: 'x'.repeat(40) },
        /^BACKUP_SIGNING_KEY: is a default/,
      ],
    ])('refuses to start with %s', (_name, change, message) => {
      const problems = problemsOf({ ...strong, ...change });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(message);
    });

    it('accepts the secrets from *_FILE', () => {
      const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
      writeFileSync(join(dir, 'jwt'), `${strong.JWT_SECRET}\n`);
      writeFileSync(join(dir, 'admin'), strong.ADMIN_PASSWORD);
      const config = loadConfig({
        NODE_ENV: 'production',
        JWT_SECRET_FILE: join(dir, 'jwt'),
        ADMIN_PASSWORD_FILE: join(dir, 'admin'),
        METRICS_TOKEN: strong.METRICS_TOKEN,
      });
      expect(config.auth).toMatchObject({
        jwtSecret: strong.JWT_SECRET,
        adminPassword: strong.ADMIN_PASSWORD,
      });
    });
  });

  it('reads durations with units', () => {
    const config = loadConfig({ SESSION_TTL: '90s', JWT_ACCESS_TTL: '900', JWT_REFRESH_TTL: '7d' });
    expect(config.sessions.ttlMs).toBe(90_000);
    expect(config.auth.accessTtlSeconds).toBe(900);
    expect(config.auth.refreshTtlSeconds).toBe(7 * 86_400);
    expect(problemsOf({ SESSION_TTL: '30 minutes' })[0]).toMatch(/^SESSION_TTL: /);
  });
});
