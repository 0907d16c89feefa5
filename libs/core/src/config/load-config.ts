import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateCronExpression } from 'cron';
import { validateSync, type ValidationError } from 'class-validator';
import { AppConfig } from './app-config.js';
import { EnvironmentSchema, SECRET_VARIABLES } from './environment.schema.js';
import { mapSeedSettings, unknownSettings } from './seed-settings.js';

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigurationError';
  }
}

type RawEnv = Record<string, string | undefined>;

/** `NAME_FILE=/run/secrets/x` stands for `NAME=<contents of the file>`. */
function readSecretFiles(raw: RawEnv, problems: string[]): RawEnv {
  const env = { ...raw };
  for (const name of SECRET_VARIABLES) {
    const file = raw[`${name}_FILE`];
    if (!file) continue;
    if (raw[name]) {
      problems.push(`${name} and ${name}_FILE are both set; set only one`);
      continue;
    }
    try {
      env[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      problems.push(`${name}_FILE: cannot read ${file} (${(error as Error).message})`);
    }
  }
  return env;
}

function describe(errors: ValidationError[], raw: RawEnv): string[] {
  return errors.flatMap((error) => {
    const given = raw[error.property];
    const shown = SECRET_VARIABLES.includes(error.property as never) ? '<secret>' : given;
    const reasons = Object.values(error.constraints ?? {}).join('; ');
    return [`${error.property}: ${reasons} (got ${JSON.stringify(shown)})`];
  });
}

function chromaHeaders(schema: EnvironmentSchema): Record<string, string> {
  const headers: Record<string, string> = {};
  if (schema.CHROMA_AUTH) {
    headers.Authorization = `Basic ${Buffer.from(schema.CHROMA_AUTH).toString('base64')}`;
  }
  if (schema.CHROMA_TOKEN) {
    headers.Authorization = `Bearer ${schema.CHROMA_TOKEN}`;
    headers['X-Chroma-Token'] = schema.CHROMA_TOKEN;
  }
  return headers;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `900` (seconds), `90s`, `15m`, `12h`, `30d` in milliseconds; the schema checked the form. */
export function durationMs(value: string): number {
  const [, amount, unit = 's'] = /^(\d+)(ms|s|m|h|d)?$/.exec(value)!;
  return Number(amount) * UNIT_MS[unit]!;
}

const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** `512b`, `16kb`, `10mb` (any case) in bytes; the schema checked the form. */
export function sizeBytes(value: string): number {
  const [, amount, unit] = /^(\d+)(b|kb|mb)$/i.exec(value)!;
  return Number(amount) * UNIT_BYTES[unit!.toLowerCase()]!;
}

/** Values that must never protect a production deployment. */
const WEAK_SECRETS = [
  'change-me',
  'changeme',
  'secret',
  'password',
  'jwt-secret',
  'your-secret-key',
  'admin',
];
const MIN_SECRET_BYTES = 32;
const MIN_ADMIN_PASSWORD = 12;
/** A bearer token a scraper sends: shorter than a signing key, still not guessable. */
const MIN_METRICS_TOKEN_BYTES = 16;

function isWeak(value: string): boolean {
  const lower = value.toLowerCase();
  return WEAK_SECRETS.some((weak) => lower.includes(weak)) || /^(.)\1*$/.test(value);
}

/** In production no default or guessable secret may work: refuse to start instead. */
function productionProblems(schema: EnvironmentSchema): string[] {
  const problems: string[] = [];
  const secret = schema.JWT_SECRET;
  if (!secret) problems.push('JWT_SECRET: required in production (or JWT_SECRET_FILE)');
  else if (Buffer.byteLength(secret) < MIN_SECRET_BYTES)
    problems.push(`JWT_SECRET: must be at least ${MIN_SECRET_BYTES} bytes in production`);
  else if (isWeak(secret)) problems.push('JWT_SECRET: is a default or guessable value');
  const password = schema.ADMIN_PASSWORD;
  if (!password) problems.push('ADMIN_PASSWORD: required in production (or ADMIN_PASSWORD_FILE)');
  else if (password.length < MIN_ADMIN_PASSWORD)
    problems.push(
      `ADMIN_PASSWORD: must be at least ${MIN_ADMIN_PASSWORD} characters in production`,
    );
  else if (isWeak(password)) problems.push('ADMIN_PASSWORD: is a default or guessable value');
  const metricsToken = schema.METRICS_TOKEN;
  if (!metricsToken && !schema.METRICS_PUBLIC) {
    problems.push(
      'METRICS_TOKEN: required in production (or METRICS_TOKEN_FILE), or set METRICS_PUBLIC=true ' +
        'to serve /metrics to anyone who can reach the service',
    );
  } else if (metricsToken && Buffer.byteLength(metricsToken) < MIN_METRICS_TOKEN_BYTES) {
    problems.push(`METRICS_TOKEN: must be at least ${MIN_METRICS_TOKEN_BYTES} bytes in production`);
  } else if (metricsToken && isWeak(metricsToken)) {
    problems.push('METRICS_TOKEN: is a default or guessable value');
  }
  // Its length is checked everywhere (the schema); whoever knows it can sign an archive to restore.
  if (schema.BACKUP_SIGNING_KEY && isWeak(schema.BACKUP_SIGNING_KEY)) {
    problems.push('BACKUP_SIGNING_KEY: is a default or guessable value');
  }
  return problems;
}

/** Open doors in production that were chosen, said out loud at every start. */
function productionNotices(schema: EnvironmentSchema): string[] {
  const notices: string[] = [];
  if (schema.SWAGGER_ENABLED) {
    notices.push('SWAGGER_ENABLED=true in production: /docs and /docs/openapi.json are served');
  }
  if (schema.METRICS_PUBLIC && !schema.METRICS_TOKEN) {
    notices.push('METRICS_PUBLIC=true in production: /metrics is open to anyone who can reach it');
  }
  return notices;
}

/** A cron expression (5 or 6 fields) and a time zone the scheduler understands. */
function scheduleProblems(schema: EnvironmentSchema): string[] {
  const problems: string[] = [];
  const cron = validateCronExpression(schema.BACKUP_CRON);
  if (!cron.valid)
    problems.push(`BACKUP_CRON: not a cron expression (${cron.error?.message ?? 'invalid'})`);
  try {
    new Intl.DateTimeFormat('en', { timeZone: schema.BACKUP_TZ });
  } catch {
    problems.push(`BACKUP_TZ: unknown time zone ${JSON.stringify(schema.BACKUP_TZ)}`);
  }
  return problems;
}

/** Reads, validates and structures the configuration; throws one error naming every bad variable. */
export function loadConfig(raw: RawEnv = process.env): AppConfig {
  const problems: string[] = [];
  const known = Object.keys(new EnvironmentSchema());
  const { env: mapped, notices } = mapSeedSettings(raw);
  notices.push(...unknownSettings(raw, known));
  const env = readSecretFiles(mapped, problems);
  // An empty value means "not set", as in most .env conventions: the default applies.
  const relevant = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => known.includes(key) && value?.trim()),
  );
  const schema = plainToInstance(EnvironmentSchema, relevant, { exposeDefaultValues: true });
  problems.push(...describe(validateSync(schema, { skipMissingProperties: false }), env));
  if (schema.CHROMA_AUTH && schema.CHROMA_TOKEN) {
    problems.push('CHROMA_AUTH and CHROMA_TOKEN are both set; a Chroma proxy takes one of them');
  }
  if (schema.NODE_ENV === 'production') {
    problems.push(...productionProblems(schema));
    notices.push(...productionNotices(schema));
  }
  problems.push(...scheduleProblems(schema));
  // local-semantic-v3: 100 word-vector dimensions and at least 128 hashed buckets.
  if (
    schema.LOCAL_EMBEDDING_MODEL === 'local-semantic-v3' &&
    schema.LOCAL_EMBEDDING_DIMENSIONS < 228
  ) {
    problems.push('LOCAL_EMBEDDING_DIMENSIONS: local-semantic-v3 needs at least 228');
  }
  if (problems.length > 0) throw new ConfigurationError(problems);

  const dataDir = resolve(schema.DATA_DIR);
  const cacheHome = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return {
    env: schema.NODE_ENV,
    notices,
    http: {
      host: schema.HOST,
      port: schema.PORT,
      bodyLimitBytes: sizeBytes(schema.REQUEST_BODY_LIMIT),
      importBodyLimitBytes: sizeBytes(schema.IMPORT_BODY_LIMIT),
      swagger: schema.SWAGGER_ENABLED ?? schema.NODE_ENV !== 'production',
      allowedOrigins: (schema.ALLOWED_ORIGINS ?? '')
        .split(',')
        .map((origin) => origin.trim().replace(/\/+$/, ''))
        .filter(Boolean),
      trustProxy: /^\d+$/.test(schema.TRUST_PROXY)
        ? Number(schema.TRUST_PROXY)
        : schema.TRUST_PROXY === 'true',
      requestTimeoutMs: durationMs(schema.REQUEST_TIMEOUT),
      maxConnections: schema.MAX_CONNECTIONS,
    },
    mcp: mcpOrigins(schema),
    quota: {
      maxMemoriesPerUser: schema.USER_MAX_MEMORIES,
      maxMemoriesPerSubject: schema.SUBJECT_MAX_MEMORIES,
    },
    dataDir,
    log: {
      level: schema.LOG_LEVEL,
      pretty:
        (schema.LOG_FORMAT ?? (schema.NODE_ENV === 'development' ? 'pretty' : 'json')) === 'pretty',
    },
    chroma: {
      url: schema.CHROMA_URL?.replace(/\/+$/, ''),
      headers: chromaHeaders(schema),
      tenant: schema.CHROMA_TENANT,
      database: schema.CHROMA_DATABASE,
      timeoutMs: schema.CHROMA_TIMEOUT_MS,
      adminTimeoutMs: schema.CHROMA_ADMIN_TIMEOUT_MS,
      startupTimeoutMs: schema.CHROMA_STARTUP_TIMEOUT_MS,
      runtimeDir: resolve(
        schema.CHROMA_RUNTIME_DIR ?? join(cacheHome, 'memory-system', 'chroma-runtime'),
      ),
    },
    redis: {
      url: schema.REDIS_URL,
      keyPrefix: schema.REDIS_KEY_PREFIX,
      lexicalFeedLength: schema.LEXICAL_FEED_LENGTH,
    },
    auth: {
      jwtSecret: schema.JWT_SECRET,
      accessTtlSeconds: durationMs(schema.JWT_ACCESS_TTL) / 1000,
      refreshTtlSeconds: durationMs(schema.JWT_REFRESH_TTL) / 1000,
      adminUsername: schema.ADMIN_USERNAME,
      adminPassword: schema.ADMIN_PASSWORD,
    },
    sessions: {
      ttlMs: durationMs(schema.SESSION_TTL),
      maxContextItems: schema.SESSION_MAX_CONTEXT_ITEMS,
      maxPerUser: schema.SESSION_MAX_PER_USER,
    },
    throttle: {
      ttlMs: durationMs(schema.THROTTLE_TTL),
      limit: schema.THROTTLE_LIMIT,
      loginLimit: schema.LOGIN_THROTTLE_LIMIT,
      accountLimit: schema.LOGIN_ACCOUNT_LIMIT,
      authFailureLimit: schema.AUTH_FAILURE_LIMIT,
    },
    chat: {
      url: (schema.VLLM_CHAT_URL ?? schema.VLLM_URL)?.replace(/\/+$/, ''),
      apiKey: schema.VLLM_API_KEY,
      model: schema.VLLM_CHAT_MODEL,
      timeoutMs: schema.VLLM_TIMEOUT_MS,
      maxInputChars: schema.INSIGHTS_MAX_INPUT_CHARS,
      maxTokens: schema.INSIGHTS_MAX_TOKENS,
    },
    rerank: {
      url: schema.VLLM_RERANK_URL?.replace(/\/+$/, ''),
      apiKey: schema.VLLM_API_KEY,
      model: schema.VLLM_RERANK_MODEL,
      timeoutMs: schema.VLLM_TIMEOUT_MS,
      candidates: schema.RERANK_CANDIDATES,
    },
    resilience: {
      retries: schema.VLLM_RETRIES,
      retryBaseMs: schema.VLLM_RETRY_BASE_MS,
      breakerThreshold: schema.VLLM_BREAKER_THRESHOLD,
      breakerCooldownMs: durationMs(schema.VLLM_BREAKER_COOLDOWN),
    },
    search: {
      defaultMode: schema.SEARCH_DEFAULT_MODE,
      vectorWeight: schema.SEARCH_VECTOR_WEIGHT,
      candidates: schema.SEARCH_CANDIDATES,
      halfLifeDays: schema.SEARCH_HALF_LIFE_DAYS,
      signals: {
        neighbourWeight: schema.SEARCH_NEIGHBOUR_WEIGHT,
        answeredQuestionRepeats: schema.SEARCH_ANSWERED_QUESTION_REPEATS,
        timeWeight: schema.SEARCH_TIME_WEIGHT,
        recencyWeight: schema.SEARCH_RECENCY_WEIGHT,
        peopleWeight: schema.SEARCH_PEOPLE_WEIGHT,
        answerKindWeight: schema.SEARCH_ANSWER_KIND_WEIGHT,
        statementWeight: schema.SEARCH_STATEMENT_WEIGHT,
        diversity: schema.SEARCH_DIVERSITY,
      },
      decompose: schema.SEARCH_DECOMPOSE,
    },
    expiry: { sweepIntervalMs: durationMs(schema.MEMORY_EXPIRY_SWEEP_INTERVAL) },
    extraction: {
      maxFacts: schema.EXTRACTION_MAX_FACTS,
      neighbours: schema.EXTRACTION_NEIGHBOURS,
      maxInputChars: schema.EXTRACTION_MAX_INPUT_CHARS,
      maxTokens: schema.EXTRACTION_MAX_TOKENS,
      queuePerUser: schema.EXTRACTION_QUEUE_PER_USER,
      maxPromptChars: schema.EXTRACTION_MAX_PROMPT_CHARS,
    },
    proxy: { memoryTokens: schema.PROXY_MEMORY_TOKENS, learn: schema.PROXY_LEARN },
    cache: {
      searchTtlMs: durationMs(schema.CACHE_SEARCH_TTL),
      embeddingTtlMs: durationMs(schema.CACHE_EMBEDDING_TTL),
      maxItems: schema.CACHE_MAX_ITEMS,
    },
    metrics: { token: schema.METRICS_TOKEN },
    backup: {
      enabled: schema.BACKUP_ENABLED,
      cron: schema.BACKUP_CRON,
      timeZone: schema.BACKUP_TZ,
      dir: resolve(schema.BACKUP_DIR),
      retentionDays: schema.BACKUP_RETENTION_DAYS,
      keepMin: schema.BACKUP_KEEP_MIN,
      postCommand: schema.BACKUP_POST_COMMAND,
      signingKey: schema.BACKUP_SIGNING_KEY,
    },
    embedding: {
      url: (schema.VLLM_EMBEDDING_URL ?? schema.VLLM_URL)?.replace(/\/+$/, ''),
      apiKey: schema.VLLM_API_KEY,
      model: schema.VLLM_EMBEDDING_MODEL,
      timeoutMs: schema.VLLM_TIMEOUT_MS,
      maxBatch: schema.VLLM_MAX_BATCH,
      localDimensions: schema.LOCAL_EMBEDDING_DIMENSIONS,
      localModel: schema.LOCAL_EMBEDDING_MODEL,
      localThreads: schema.LOCAL_EMBEDDING_THREADS,
    },
  };
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim().replace(/\/+$/, ''))
    .filter(Boolean);
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Who may reach /mcp, against DNS rebinding: unset, the Host must name this machine when the
 * service listens on loopback only (anything, when it listens further: a proxy names it), and a
 * browser's Origin must be one ALLOWED_ORIGINS lets in.
 */
function mcpOrigins(schema: EnvironmentSchema): AppConfig['mcp'] {
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(schema.HOST);
  return {
    allowedHosts:
      schema.MCP_ALLOWED_HOSTS !== undefined
        ? list(schema.MCP_ALLOWED_HOSTS).map((host) => host.toLowerCase())
        : loopback
          ? LOOPBACK_HOSTS
          : [],
    allowedOrigins: list(schema.MCP_ALLOWED_ORIGINS ?? schema.ALLOWED_ORIGINS),
  };
}
