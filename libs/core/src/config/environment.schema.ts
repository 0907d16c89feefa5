import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  MinLength,
  Min,
} from 'class-validator';

const toInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value,
  );
const toNumber = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))
      ? Number(value)
      : value,
  );
const toBool = () =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const v = value.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    return value;
  });

/** `90`, `90s`, `15m`, `12h`, `30d`: seconds unless a unit is given. */
export const DURATION = /^\d+(ms|s|m|h|d)?$/;
const DURATION_MESSAGE = '$property must be a duration such as 900, 90s, 15m, 12h or 30d';

const urlOptions = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * Every environment variable the service reads, with its default. `.env.example` lists the same
 * names; a test keeps the two in step.
 */
export class EnvironmentSchema {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @toInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  @MaxLength(255)
  HOST = '127.0.0.1';

  @IsString()
  @MaxLength(4096)
  DATA_DIR = './data';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'REQUEST_BODY_LIMIT must look like 512kb or 10mb' })
  REQUEST_BODY_LIMIT = '10mb';

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'IMPORT_BODY_LIMIT must look like 512kb or 50mb' })
  IMPORT_BODY_LIMIT = '50mb';

  /** Longest a whole request (headers and body) may take to arrive: a slow sender is cut off (408). */
  @Matches(DURATION, { message: DURATION_MESSAGE })
  REQUEST_TIMEOUT = '60s';

  /** Open connections the server keeps at most; more are closed as they arrive. */
  @toInt()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  MAX_CONNECTIONS = 1_024;

  @IsOptional()
  @IsUrl(urlOptions)
  CHROMA_URL?: string;

  @IsOptional()
  @Matches(/^[^:\s]+:\S+$/, { message: 'CHROMA_AUTH must be user:password' })
  CHROMA_AUTH?: string;

  @IsOptional()
  @IsString()
  CHROMA_TOKEN?: string;

  @IsString()
  @Matches(/^[\w.-]+$/)
  CHROMA_TENANT = 'default_tenant';

  @IsString()
  @Matches(/^[\w.-]+$/)
  CHROMA_DATABASE = 'default_database';

  @toInt()
  @IsInt()
  @Min(100)
  @Max(600_000)
  CHROMA_TIMEOUT_MS = 10_000;

  @toInt()
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  CHROMA_ADMIN_TIMEOUT_MS = 600_000;

  @toInt()
  @IsInt()
  @Min(1000)
  @Max(600_000)
  CHROMA_STARTUP_TIMEOUT_MS = 60_000;

  @IsOptional()
  @IsString()
  CHROMA_RUNTIME_DIR?: string;

  @IsOptional()
  @IsUrl(urlOptions)
  VLLM_URL?: string;

  @IsOptional()
  @IsUrl(urlOptions)
  VLLM_EMBEDDING_URL?: string;

  @IsOptional()
  @IsString()
  VLLM_API_KEY?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  VLLM_EMBEDDING_MODEL?: string;

  @toInt()
  @IsInt()
  @Min(100)
  @Max(600_000)
  VLLM_TIMEOUT_MS = 30_000;

  @toInt()
  @IsInt()
  @Min(1)
  @Max(2048)
  VLLM_MAX_BATCH = 64;

  @toInt()
  @IsInt()
  @Min(16)
  @Max(4096)
  LOCAL_EMBEDDING_DIMENSIONS = 384;

  @IsIn(['local-semantic-v3', 'local-weighted-ngrams-v2', 'local-hashed-ngrams-v1'])
  LOCAL_EMBEDDING_MODEL:
    'local-semantic-v3' | 'local-weighted-ngrams-v2' | 'local-hashed-ngrams-v1' =
    'local-semantic-v3';

  /** Worker threads the local embedder embeds batches in; unset: automatic, 0: the main thread. */
  @IsOptional()
  @toInt()
  @IsInt()
  @Min(0)
  @Max(64)
  LOCAL_EMBEDDING_THREADS?: number;

  @IsOptional()
  @IsUrl(urlOptions)
  VLLM_CHAT_URL?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  VLLM_CHAT_MODEL?: string;

  @IsOptional()
  @IsUrl(urlOptions)
  VLLM_RERANK_URL?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  VLLM_RERANK_MODEL?: string;

  @toInt()
  @IsInt()
  @Min(2)
  @Max(200)
  RERANK_CANDIDATES = 20;

  @toInt()
  @IsInt()
  @Min(0)
  @Max(10)
  VLLM_RETRIES = 2;

  @toInt()
  @IsInt()
  @Min(1)
  @Max(60_000)
  VLLM_RETRY_BASE_MS = 200;

  @toInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  VLLM_BREAKER_THRESHOLD = 5;

  @Matches(DURATION, { message: DURATION_MESSAGE })
  VLLM_BREAKER_COOLDOWN = '30s';

  @toInt()
  @IsInt()
  @Min(500)
  @Max(1_000_000)
  INSIGHTS_MAX_INPUT_CHARS = 12_000;

  @toInt()
  @IsInt()
  @Min(16)
  @Max(32_768)
  INSIGHTS_MAX_TOKENS = 512;

  @IsIn(['hybrid', 'vector', 'keyword'])
  SEARCH_DEFAULT_MODE: 'hybrid' | 'vector' | 'keyword' = 'hybrid';

  /** Share of vector similarity in the hybrid score; unset: the value measured for the embedder. */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))
      ? Number(value)
      : value,
  )
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  SEARCH_VECTOR_WEIGHT?: number;

  @toInt()
  @IsInt()
  @Min(10)
  @Max(1000)
  SEARCH_CANDIDATES = 50;

  /** BM25 weight of a message's conversation neighbours beside its own words (1); 0: off. */
  @toNumber()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(10)
  SEARCH_NEIGHBOUR_WEIGHT = 0.4;

  /**
   * How many times more the latest question (a turn holding a "?") of the turns before a message
   * counts in its neighbour field (the question a reply answers); 0: like any neighbour. Part of
   * the keyword index's layout: a change rebuilds each user's index when next used.
   */
  @toInt()
  @IsInt()
  @Min(0)
  @Max(3)
  SEARCH_ANSWERED_QUESTION_REPEATS = 1;

  /** Added to the score of a memory said within the dates a query names; 0: off. */
  @toNumber()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  SEARCH_TIME_WEIGHT = 0.15;

  /** Most a memory said just before the search's reference date gains (a weak prior); 0: off. */
  @toNumber()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  SEARCH_RECENCY_WEIGHT = 0.02;

  /** Added to the score of a memory that names, or was said by, a person the query names; 0: off. */
  @toNumber()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  SEARCH_PEOPLE_WEIGHT = 0.05;

  /**
   * Share of its own score added to a memory holding the kind of answer a query asks for: a
   * time for "When ...", a number or amount for "How much/many ..."; 0: off.
   */
  @toNumber()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  SEARCH_ANSWER_KIND_WEIGHT = 0.2;

  /** Share of its own score added to a memory that tells rather than asks (no closing "?"); 0: off. */
  @toNumber()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  SEARCH_STATEMENT_WEIGHT = 0.2;

  /** Share of the ranking given to not repeating a result already above (MMR); 0: off. */
  @toNumber()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  SEARCH_DIVERSITY = 0.1;

  /** The chat model splits multi-hop questions into one search per event (one call a search). */
  @toBool()
  @IsBoolean()
  SEARCH_DECOMPOSE = false;

  /** Recency weight: scores halve every this many days since a memory changed; 0 is off. */
  @toInt()
  @IsInt()
  @Min(0)
  @Max(36_500)
  SEARCH_HALF_LIFE_DAYS = 0;

  @Matches(DURATION, { message: DURATION_MESSAGE })
  MEMORY_EXPIRY_SWEEP_INTERVAL = '1m';

  @toInt()
  @IsInt()
  @Min(1)
  @Max(100)
  EXTRACTION_MAX_FACTS = 20;

  @toInt()
  @IsInt()
  @Min(1)
  @Max(20)
  EXTRACTION_NEIGHBOURS = 5;

  @toInt()
  @IsInt()
  @Min(1_000)
  @Max(1_000_000)
  EXTRACTION_MAX_INPUT_CHARS = 24_000;

  @toInt()
  @IsInt()
  @Min(64)
  @Max(32_768)
  EXTRACTION_MAX_TOKENS = 2_048;

  /** Extractions of one user that may wait behind the one running; more answer 429. */
  @toInt()
  @IsInt()
  @Min(0)
  @Max(1_000)
  EXTRACTION_QUEUE_PER_USER = 4;

  /** Longest prompt (as sent, JSON-escaped) of the decide step: farthest memories are left out. */
  @toInt()
  @IsInt()
  @Min(4_000)
  @Max(1_000_000)
  EXTRACTION_MAX_PROMPT_CHARS = 64_000;

  @toInt()
  @IsInt()
  @Min(1)
  @Max(32_000)
  PROXY_MEMORY_TOKENS = 1_000;

  @toBool()
  @IsBoolean()
  PROXY_LEARN = true;

  @Matches(DURATION, { message: DURATION_MESSAGE })
  CACHE_SEARCH_TTL = '60s';

  @Matches(DURATION, { message: DURATION_MESSAGE })
  CACHE_EMBEDDING_TTL = '24h';

  @toInt()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  CACHE_MAX_ITEMS = 10_000;

  @IsOptional()
  @IsString()
  METRICS_TOKEN?: string;

  @toBool()
  @IsBoolean()
  BACKUP_ENABLED = false;

  @IsString()
  BACKUP_CRON = '0 3 * * *';

  @IsString()
  @Matches(/^[A-Za-z_+\-/0-9]{1,64}$/, {
    message: 'BACKUP_TZ must be an IANA time zone such as UTC or Europe/Berlin',
  })
  BACKUP_TZ = 'UTC';

  @IsString()
  @MaxLength(4096)
  BACKUP_DIR = './backups';

  @toInt()
  @IsInt()
  @Min(0)
  @Max(36_500)
  BACKUP_RETENTION_DAYS = 30;

  @toInt()
  @IsInt()
  @Min(1)
  @Max(10_000)
  BACKUP_KEEP_MIN = 3;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  BACKUP_POST_COMMAND?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'BACKUP_SIGNING_KEY must be at least 32 characters' })
  @MaxLength(4096)
  BACKUP_SIGNING_KEY?: string;

  /** Unset: served except in production. */
  @IsOptional()
  @toBool()
  @IsBoolean()
  SWAGGER_ENABLED?: boolean;

  /** Production refuses an open /metrics (no METRICS_TOKEN) unless this says it is meant. */
  @toBool()
  @IsBoolean()
  METRICS_PUBLIC = false;

  @IsOptional()
  @IsUrl({ ...urlOptions, protocols: ['redis', 'rediss'] })
  REDIS_URL?: string;

  @Matches(/^[\w.-]{1,32}$/)
  REDIS_KEY_PREFIX = 'ms';

  /**
   * Entries each user's keyword-index change feed keeps in Redis (two per write): a replica that
   * missed more rebuilds that user's index from Chroma.
   */
  @toInt()
  @IsInt()
  @Min(100)
  @Max(10_000_000)
  LEXICAL_FEED_LENGTH = 20_000;

  @IsOptional()
  @IsString()
  JWT_SECRET?: string;

  @Matches(DURATION, { message: DURATION_MESSAGE })
  JWT_ACCESS_TTL = '15m';

  @Matches(DURATION, { message: DURATION_MESSAGE })
  JWT_REFRESH_TTL = '30d';

  @Matches(/^[A-Za-z0-9_.@-]{3,64}$/, {
    message: 'ADMIN_USERNAME must be 3-64 letters, digits or _ . @ -',
  })
  ADMIN_USERNAME = 'admin';

  @IsOptional()
  @IsString()
  ADMIN_PASSWORD?: string;

  @Matches(DURATION, { message: DURATION_MESSAGE })
  SESSION_TTL = '30m';

  @toInt()
  @IsInt()
  @Min(1)
  @Max(10_000)
  SESSION_MAX_CONTEXT_ITEMS = 100;

  @toInt()
  @IsInt()
  @Min(1)
  @Max(100_000)
  SESSION_MAX_PER_USER = 100;

  @Matches(DURATION, { message: DURATION_MESSAGE })
  THROTTLE_TTL = '1m';

  @toInt()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  THROTTLE_LIMIT = 600;

  @toInt()
  @IsInt()
  @Min(1)
  @Max(10_000)
  LOGIN_THROTTLE_LIMIT = 10;

  /** Failed logins for one username before it is locked (for 30 s, doubling with each more). */
  @toInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_ACCOUNT_LIMIT = 5;

  /** Requests with bad credentials one address may make per THROTTLE_TTL before a 429. */
  @toInt()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  AUTH_FAILURE_LIMIT = 30;

  @IsOptional()
  @IsString()
  ALLOWED_ORIGINS?: string;

  @IsOptional()
  @IsString()
  MCP_ALLOWED_HOSTS?: string;

  @IsOptional()
  @IsString()
  MCP_ALLOWED_ORIGINS?: string;

  /** Memories one user may hold; a write past it answers 409. */
  @toInt()
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  USER_MAX_MEMORIES = 1_000_000;

  /** Memories one subject (an end user acted for with X-Memory-Subject) may hold; unset: no own limit. */
  @IsOptional()
  @toInt()
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  SUBJECT_MAX_MEMORIES?: number;

  @Matches(/^(true|false|\d{1,2})$/, {
    message: 'TRUST_PROXY must be true, false or a number of proxy hops',
  })
  TRUST_PROXY = 'false';
}

/** Variables that may instead be read from a file named by `<NAME>_FILE` (Docker secrets). */
export const SECRET_VARIABLES = [
  'CHROMA_AUTH',
  'CHROMA_TOKEN',
  'VLLM_API_KEY',
  'JWT_SECRET',
  'ADMIN_PASSWORD',
  'REDIS_URL',
  'METRICS_TOKEN',
  'BACKUP_SIGNING_KEY',
] as const;
