export type NodeEnv = 'development' | 'production' | 'test';

/**
 * The validated, structured configuration every module receives by injection.
 * An abstract class so it can be the injection token itself.
 */
export abstract class AppConfig {
  abstract readonly env: NodeEnv;
  /**
   * What start-up should say about the settings: seed names mapped to ours, unknown names that
   * look like ours, open doors chosen in production. Logged once at start.
   */
  abstract readonly notices: string[];
  abstract readonly http: {
    host: string;
    port: number;
    /** The largest body a request takes (REQUEST_BODY_LIMIT), in bytes. */
    bodyLimitBytes: number;
    /** The largest NDJSON file POST /memories/import takes (IMPORT_BODY_LIMIT), in bytes. */
    importBodyLimitBytes: number;
    swagger: boolean;
    /** Origins allowed by CORS; empty: no cross-origin access; ['*']: any. */
    allowedOrigins: string[];
    trustProxy: boolean | number;
    /** Longest a whole request may take to arrive (REQUEST_TIMEOUT). */
    requestTimeoutMs: number;
    /** Open connections kept at most (MAX_CONNECTIONS). */
    maxConnections: number;
  };
  /** DNS rebinding protection of /mcp: empty lists check nothing. */
  abstract readonly mcp: {
    /** Hostnames (no port; IPv6 in brackets) the Host header may name. */
    allowedHosts: string[];
    /** Origins (scheme://host[:port]) a browser's Origin header may name; '*': any. */
    allowedOrigins: string[];
  };
  abstract readonly quota: {
    /** Memories one user may hold (USER_MAX_MEMORIES). */
    maxMemoriesPerUser: number;
    /** Memories one subject may hold (SUBJECT_MAX_MEMORIES); unset: only USER_MAX_MEMORIES. */
    maxMemoriesPerSubject?: number;
  };
  abstract readonly dataDir: string;
  abstract readonly log: { level: string; pretty: boolean };
  abstract readonly chroma: {
    /** Undefined: start the embedded Chroma server. */
    url?: string;
    headers: Record<string, string>;
    tenant: string;
    database: string;
    timeoutMs: number;
    /** For whole-store work (backup, restore): deleting a large collection takes minutes. */
    adminTimeoutMs: number;
    startupTimeoutMs: number;
    runtimeDir: string;
  };
  abstract readonly embedding: {
    /** Undefined: use the built-in local embedder. */
    url?: string;
    apiKey?: string;
    model?: string;
    timeoutMs: number;
    maxBatch: number;
    localDimensions: number;
    localModel: 'local-semantic-v3' | 'local-weighted-ngrams-v2' | 'local-hashed-ngrams-v1';
    /** LOCAL_EMBEDDING_THREADS: undefined is automatic, 0 embeds on the main thread. */
    localThreads?: number;
  };
  abstract readonly chat: {
    /** Undefined: no LLM, insights answer 503. */
    url?: string;
    apiKey?: string;
    model?: string;
    timeoutMs: number;
    maxInputChars: number;
    maxTokens: number;
  };
  /** Cross-encoder reranking of search results (vLLM's rerank API); off without a URL. */
  abstract readonly rerank: {
    url?: string;
    apiKey?: string;
    model?: string;
    timeoutMs: number;
    /** How many of the best results the reranker reorders. */
    candidates: number;
  };
  /** Retries and circuit breaker for every call to the inference servers. */
  abstract readonly resilience: {
    retries: number;
    retryBaseMs: number;
    breakerThreshold: number;
    breakerCooldownMs: number;
  };
  abstract readonly search: {
    defaultMode: 'hybrid' | 'vector' | 'keyword';
    /** Undefined: the weight measured for the configured embedder. */
    vectorWeight?: number;
    /** How many memories each signal proposes before they are fused. */
    candidates: number;
    /** Recency weight's half-life in days; 0: off. */
    halfLifeDays: number;
    /** Ranking signals beside BM25 and similarity, each 0 when off (see README, How search ranks). */
    signals: {
      /** BM25 weight of a message's conversation neighbours. */
      neighbourWeight: number;
      /** Times more a message's neighbour field counts the latest question before it. */
      answeredQuestionRepeats: number;
      /** Added for a memory said within the dates the query names. */
      timeWeight: number;
      /** Most a memory said just before the reference date gains. */
      recencyWeight: number;
      /** Added for a memory naming, or said by, a person the query names. */
      peopleWeight: number;
      /** Share of its score added for holding the kind of answer asked for (a time, a quantity). */
      answerKindWeight: number;
      /** Share of its score added for a memory that tells rather than asks. */
      statementWeight: number;
      /** Share of the ranking given to not repeating a result above (MMR). */
      diversity: number;
    };
    /** The chat model splits multi-hop questions into a search per event (an LLM lane). */
    decompose: boolean;
  };
  /** Expiry of memories (expiresAt, ttl). */
  abstract readonly expiry: { sweepIntervalMs: number };
  /** Learning facts from conversations (POST /memories/extract). */
  abstract readonly extraction: {
    maxFacts: number;
    /** Existing memories shown beside each candidate fact when deciding. */
    neighbours: number;
    maxInputChars: number;
    maxTokens: number;
    /** Extractions of one user waiting behind the running one; more answer 429. */
    queuePerUser: number;
    /** Longest decide prompt, as sent (JSON-escaped). */
    maxPromptChars: number;
  };
  /** The OpenAI-compatible chat proxy (/v1/chat/completions). */
  abstract readonly proxy: {
    /** Most tokens of memories (and session context) added to a chat request. */
    memoryTokens: number;
    /** Exchanges go to extraction after the answer (a request may still say X-Memory-Learn: false). */
    learn: boolean;
  };
  abstract readonly cache: { searchTtlMs: number; embeddingTtlMs: number; maxItems: number };
  abstract readonly metrics: { token?: string };
  abstract readonly backup: {
    enabled: boolean;
    cron: string;
    timeZone: string;
    dir: string;
    retentionDays: number;
    keepMin: number;
    postCommand?: string;
    /** Signs archives; without it, a key generated in DATA_DIR/backup-signing-key. */
    signingKey?: string;
  };
  abstract readonly redis: {
    url?: string;
    keyPrefix: string;
    /** Entries each user's keyword-index change feed keeps (two per write). */
    lexicalFeedLength: number;
  };
  abstract readonly auth: {
    /** Undefined only outside production: a persisted random secret is used then. */
    jwtSecret?: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    adminUsername: string;
    adminPassword?: string;
  };
  abstract readonly sessions: {
    ttlMs: number;
    maxContextItems: number;
    /** Live sessions one user may hold at once. */
    maxPerUser: number;
  };
  abstract readonly throttle: {
    ttlMs: number;
    limit: number;
    loginLimit: number;
    /** Failed logins for one username before it is locked. */
    accountLimit: number;
    /** Requests with bad credentials per address and ttlMs. */
    authFailureLimit: number;
  };
}
