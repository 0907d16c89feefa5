// Generated from the OpenAPI document (/docs/openapi.json) by `npm run generate:client`
// (openapi-typescript). Do not edit: regenerate after changing a route or a DTO.

export interface paths {
  '/api/v1/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Exchange a username and password for an access and a refresh token */
    post: operations['AuthController_login_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/refresh': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Exchange a refresh token (once) for a new pair */
    post: operations['AuthController_refresh_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Revoke a refresh token and every token rotated from the same login */
    post: operations['AuthController_logout_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['AuthController_me_v1'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/api-keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['AuthController_listApiKeys_v1'];
    put?: never;
    /**
     * Create an API key for a service client; the key is shown once
     * @description Needs a password login (a bearer access token): an API key can never create, list or revoke keys.
     */
    post: operations['AuthController_createApiKey_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/api-keys/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    delete: operations['AuthController_revokeApiKey_v1'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/users': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['AdminUsersController_list_v1'];
    put?: never;
    /** Create a user; needs a password login (403 with an API key) */
    post: operations['AdminUsersController_create_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/users/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['AdminUsersController_get_v1'];
    put?: never;
    post?: never;
    delete: operations['AdminUsersController_remove_v1'];
    options?: never;
    head?: never;
    /** Disable, enable, change the role or set the password (that needs a password login) */
    patch: operations['AdminUsersController_update_v1'];
    trace?: never;
  };
  '/api/v1/memories/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every memory of the caller as NDJSON: a header line, then one memory per line (what import takes) */
    get: operations['MemoryTransferController_export_v1'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/memories/import': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Store memories from an export (NDJSON); the same file twice stores nothing twice; a bad line refuses the whole file */
    post: operations['MemoryTransferController_import_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/memories/extract': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Learn facts from a conversation: add new ones, refine, supersede or retract what they contradict (two chat calls; dryRun returns the plan and writes nothing) */
    post: operations['ExtractionController_extract_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/context': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Prompt-ready text of the most useful memories for a query or conversation (and a session's recent turns when named), fitted to a token budget */
    post: operations['ContextController_build_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/memories': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List memories a page at a time, in id order: the cursor is the last id, so deletes and adds between pages neither skip nor repeat one */
    get: operations['MemoryController_list_v1'];
    put?: never;
    /** Store a memory (the same content and type again returns the stored one, 200) */
    post: operations['MemoryController_create_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/memories/insights': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Ask the LLM for insights over the memories closest to a query, or named ones */
    post: operations['MemoryController_insight_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/memories/batch': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Store up to 500 memories in one request */
    post: operations['MemoryController_createBatch_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/memories/search': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Find the memories that best answer a query, best first: hybrid (BM25 + vector) by default, or vector or keyword only; reranked when a reranker is configured */
    post: operations['MemoryController_search_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/memories/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['MemoryController_get_v1'];
    put?: never;
    post?: never;
    delete: operations['MemoryController_remove_v1'];
    options?: never;
    head?: never;
    /** Change a memory; a new content is embedded again */
    patch: operations['MemoryController_update_v1'];
    trace?: never;
  };
  '/api/v1/memories/{id}/history': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Earlier versions of a memory (each change and delete keeps the state it replaced) */
    get: operations['MemoryController_history_v1'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/memories/{id}/history/{version}/restore': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Make an earlier version current again (a deleted memory comes back with its id) */
    post: operations['MemoryController_restoreVersion_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/memories': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Seed route: search; answers an array, nearest first
     * @deprecated
     */
    get: operations['LegacyMemoryController_search'];
    put?: never;
    /**
     * Seed route: store a memory; answers the memory itself
     * @deprecated
     */
    post: operations['LegacyMemoryController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/memories/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Seed route: change a memory
     * @deprecated
     */
    put: operations['LegacyMemoryController_update'];
    post?: never;
    /**
     * Seed route: forget a memory
     * @deprecated
     */
    delete: operations['LegacyMemoryController_remove'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/reembed': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Progress of the current or last re-embedding */
    get: operations['AdminReembedController_status_v1'];
    put?: never;
    /** Move every user's memories to the configured embedding model and dimension, in the background; searches answer from the old space until each user is done */
    post: operations['AdminReembedController_start_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/users/{userId}/memories/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A user's (or one of their subjects') memories as NDJSON, as GET /memories/export gives them */
    get: operations['AdminUserMemoriesController_export_v1'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/users/{userId}/memories/import': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Import an export into a user's (or one of their subjects') memories, as POST /memories/import */
    post: operations['AdminUserMemoriesController_import_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/subjects': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The account's subjects by id, a page at a time */
    get: operations['SubjectsController_list_v1'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/subjects/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Erase a subject: its memories, versions, sessions, keyword entries and vectors */
    delete: operations['SubjectsController_erase_v1'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/sessions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The caller's live sessions, most recently used first, a page at a time (without context) */
    get: operations['SessionsController_list_v1'];
    put?: never;
    post: operations['SessionsController_create_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/sessions/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The session and its context; memory items show their text only to callers with memories:read */
    get: operations['SessionsController_get_v1'];
    put?: never;
    post?: never;
    delete: operations['SessionsController_remove_v1'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/sessions/{id}/context': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The session's context with the memories most relevant to a query (or stored in it) */
    get: operations['SessionsController_context_v1'];
    put?: never;
    /** Append items to the context window (it keeps the newest SESSION_MAX_CONTEXT_ITEMS) */
    post: operations['SessionsController_append_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/mcp': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Not used: this MCP endpoint is stateless (POST only) */
    get: operations['McpController_refuseStream'];
    /** Not used: this MCP endpoint is stateless (POST only) */
    put: operations['McpController_refusePut'];
    /** MCP (Streamable HTTP, JSON responses): tools remember, recall, list, get, update, forget, session_context, context, and extract where a language model is configured */
    post: operations['McpController_handle'];
    /** Not used: this MCP endpoint is stateless (POST only) */
    delete: operations['McpController_refuseSessionEnd'];
    options?: never;
    head?: never;
    /** Not used: this MCP endpoint is stateless (POST only) */
    patch: operations['McpController_refusePatch'];
    trace?: never;
  };
  '/v1/models': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The chat server's models (OpenAI's model list) */
    get: operations['ChatProxyController_models'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/chat/completions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** OpenAI's chat completions, relayed to the chat server with the user's memories added as one system message after the caller's own; streamed as the model streams. Needs memories:read; learns from the exchange in the background when the caller has memories:write. */
    post: operations['ChatProxyController_complete'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/backups': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['AdminBackupsController_list_v1'];
    put?: never;
    /** Back up now (the same job as the nightly one); 409 while one runs */
    post: operations['AdminBackupsController_create_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/backups/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One archive, verified: its manifest after every checksum was checked */
    get: operations['AdminBackupsController_get_v1'];
    put?: never;
    post?: never;
    delete: operations['AdminBackupsController_remove_v1'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/admin/backups/{name}/restore': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Verify, then restore; a corrupt or foreign archive changes nothing
     * @description A corrupt, foreign or newer-format archive: 400, nothing changed. Chroma failing midway (or a call longer than CHROMA_ADMIN_TIMEOUT_MS): 503, and the store may be partly replaced: run the same restore again.
     */
    post: operations['AdminBackupsController_restore_v1'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every backend: ChromaDB, the state store, and the embedding, chat and rerank servers when remote (a failing one is named with a reason, never its internal error), and memories waiting to be re-embedded */
    get: operations['HealthController_check'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health/ready': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Readiness: what every request needs (ChromaDB, the state store), start-up work done (waiting for a late backend), and each configured model server serving the kind of model it is used for (one that is down does not count) */
    get: operations['HealthController_ready'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health/live': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness: the process is up (no backend is contacted) */
    get: operations['HealthController_live'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    LoginDto: {
      /** @example admin */
      username: string;
      /** @example correct horse battery staple */
      password: string;
    };
    TokenPairView: {
      /** @enum {string} */
      tokenType: 'Bearer';
      accessToken: string;
      /** @description Seconds until the access token expires */
      expiresIn: number;
      /** @description Works once; each refresh returns a new one */
      refreshToken: string;
      refreshExpiresIn: number;
    };
    RefreshDto: {
      /** @description The refresh token from login or the last refresh. */
      refreshToken: string;
    };
    UserView: {
      /** Format: uuid */
      id: string;
      username: string;
      /** @enum {string} */
      role: 'admin' | 'user';
      disabled: boolean;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
    };
    CreateApiKeyDto: {
      /**
       * @description What the key is for.
       * @example open-webui
       */
      name: string;
      /** @description Omit for a key that does not expire. */
      expiresInDays?: number;
      /**
       * @description What the key may do. admin only when an admin creates it; a missing scope is a 403 that names it.
       * @default [
       *       "memories:read",
       *       "memories:write"
       *     ]
       */
      scopes?: ('memories:read' | 'memories:write' | 'sessions' | 'subjects' | 'admin')[];
    };
    CreatedApiKeyView: {
      id: string;
      name: string;
      scopes: ('memories:read' | 'memories:write' | 'sessions' | 'subjects' | 'admin')[];
      prefix: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      expiresAt: string | null;
      /** Format: date-time */
      lastUsedAt: string | null;
      /** @description Shown this once: store it now. */
      key: string;
    };
    ApiKeyViewDto: {
      id: string;
      name: string;
      scopes: ('memories:read' | 'memories:write' | 'sessions' | 'subjects' | 'admin')[];
      prefix: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      expiresAt: string | null;
      /** Format: date-time */
      lastUsedAt: string | null;
    };
    ApiKeyPageView: {
      items: components['schemas']['ApiKeyViewDto'][];
      nextCursor: string | null;
    };
    CreateUserDto: {
      /** @example alice */
      username: string;
      password: string;
      /**
       * @default user
       * @enum {string}
       */
      role?: 'admin' | 'user';
    };
    UserPageView: {
      items: components['schemas']['UserView'][];
      nextCursor: string | null;
    };
    UpdateUserDto: {
      /** @description A disabled user cannot log in; their tokens and keys stop working. */
      disabled?: boolean;
      /** @enum {string} */
      role?: 'admin' | 'user';
      /** @description A new password ends the user's login sessions; their API keys keep working unless revokeApiKeys is true. Needs a password login. */
      password?: string;
      /**
       * @description With a new password: revoke every API key of the user in the same call.
       * @default false
       */
      revokeApiKeys?: boolean;
    };
    UpdatedUserView: {
      /** Format: uuid */
      id: string;
      username: string;
      /** @enum {string} */
      role: 'admin' | 'user';
      disabled: boolean;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
      /** @description Set when the password changed: API keys of the user that still work (0 after revokeApiKeys) */
      apiKeysStillWorking?: number;
    };
    ImportReportView: {
      memories?: number;
      created?: number;
      existing?: number;
      /** @description expired before the import, so not stored */
      expired?: number;
      /** @description the file's embedding model or dimension is not this user's: embedded anew */
      reembedded?: boolean;
      /** @description the stored vectors are the file's (else each memory was embedded here) */
      vectorsFromFile?: boolean;
    };
    ConversationMessageDto: {
      /** @enum {string} */
      role: 'user' | 'assistant' | 'system';
      /** @example I moved to Lisbon last month. */
      content: string;
      /**
       * Format: date-time
       * @description When it was said (resolves "last month").
       */
      at?: string;
    };
    ExtractMemoriesDto: {
      messages: components['schemas']['ConversationMessageDto'][];
      /**
       * Format: uuid
       * @description The session this memory belongs to.
       */
      sessionId?: string;
      /**
       * @description The conversation (thread) this memory was said in, e.g. a chat id; its memories are ordered by occurredAt, and a message is found through its neighbours in it
       * @example chat-2023-05-08
       */
      conversationId?: string;
      /**
       * @description Return the plan and write nothing.
       * @default false
       */
      dryRun?: boolean;
    };
    TokenUsageView: {
      promptTokens: number;
      completionTokens: number;
    };
    ExtractionUsageView: {
      extract: components['schemas']['TokenUsageView'];
      decide: components['schemas']['TokenUsageView'];
      total: components['schemas']['TokenUsageView'];
    };
    DecisionView: {
      /** @description { content, type } of the candidate fact */
      fact: Record<string, never>;
      /** @enum {string} */
      action: 'add' | 'update' | 'supersede' | 'delete' | 'none';
      /** @description the memory stored (add, supersede) or changed (update, delete) */
      memoryId: string | null;
      /** @description the existing memory acted on (update, supersede, delete) */
      targetId: string | null;
      /** @description update: the memory's new text */
      content: string | null;
      /** @description why the service changed the decision */
      note?: string;
    };
    ExtractionReceiptView: {
      dryRun: boolean;
      model: string | null;
      /** @description chat calls made (2, or 1 with no facts; +1 per answer asked again) */
      chatCalls: number;
      usage: components['schemas']['ExtractionUsageView'];
      decisions: components['schemas']['DecisionView'][];
    };
    ContextRequestDto: {
      /**
       * @description What to find memories for (give this or messages, not both).
       * @example what should I cook for the user tonight?
       */
      query?: string;
      /** @description The conversation, oldest first (give this or query): memories are found from the latest user turn and the few turns before it. */
      messages?: components['schemas']['ConversationMessageDto'][];
      /**
       * Format: uuid
       * @description Also the session's recent conversation (needs the sessions scope).
       */
      sessionId?: string;
      /**
       * @description The most tokens `text` may take.
       * @default 1000
       */
      tokenBudget?: number;
      /**
       * @description Only memories of these types (any of them).
       * @example [
       *       "preference",
       *       "fact"
       *     ]
       */
      types?: string[];
      /**
       * @description Labels; 1-64 letters, digits, spaces or _ . : -
       * @example [
       *       "coffee",
       *       "preferences"
       *     ]
       */
      tags?: string[];
      /**
       * Format: date-time
       * @description Only memories that occurred at or after this moment (inclusive; ISO 8601), by their occurredAt (createdAt when none was given).
       * @example 2023-05-01T00:00:00Z
       */
      occurredAfter?: string;
      /**
       * Format: date-time
       * @description Only memories that occurred before this moment (exclusive; ISO 8601), by their occurredAt (createdAt when none was given); later than occurredAfter when both are given, so that windows such as May (2023-05-01 to 2023-06-01) tile.
       * @example 2023-06-01T00:00:00Z
       */
      occurredBefore?: string;
    };
    ContextMemoryView: {
      /** Format: uuid */
      id: string;
      content: string;
      /** @description the search score it ranked by, higher is better */
      score: number;
      /** @description what its line in text costs, in tokens */
      tokens: number;
    };
    ContextView: {
      /** @description Prompt text: when a session was named, a heading and its recent turns "<role>: <content>", oldest first, and a blank line; then a heading and one line per memory "- [<id>] <content>", most relevant first. Empty when nothing fits. */
      text: string;
      /** @description tokens of text: never more than budget */
      tokens: number;
      /** @description the token budget used */
      budget: number;
      /**
       * @description the tokenizer that counted
       * @example gpt-tokenizer o200k_base
       */
      tokenizer: string;
      /** @description the memories in text, in its order */
      memories: components['schemas']['ContextMemoryView'][];
      /** @description how many of the session's recent turns are in text */
      sessionTurns: number;
    };
    CreateMemoryRequestDto: {
      /**
       * @description The text to remember.
       * @example The user prefers dark roast coffee.
       */
      content: string;
      /**
       * @description A kind of memory, e.g. text, fact, preference, insight.
       * @example preference
       */
      type: string;
      /**
       * @description Flat key/value pairs (string, number, boolean); at most 32 keys.
       * @example {
       *       "source": "chat",
       *       "confidence": 0.9
       *     }
       */
      metadata?: {
        [key: string]: string | number | boolean;
      };
      /**
       * @description Labels; 1-64 letters, digits, spaces or _ . : -
       * @example [
       *       "coffee",
       *       "preferences"
       *     ]
       */
      tags?: string[];
      /**
       * Format: uuid
       * @description The session this memory belongs to.
       */
      sessionId?: string;
      /**
       * @description The conversation (thread) this memory was said in, e.g. a chat id; its memories are ordered by occurredAt, and a message is found through its neighbours in it
       * @example chat-2023-05-08
       */
      conversationId?: string;
      /**
       * Format: date-time
       * @description When it was said or happened (ISO 8601); default: when it is stored. Dates in a query ("in May", "last week") favour memories that occurred then.
       * @example 2023-05-08T13:56:00Z
       */
      occurredAt?: string;
      /**
       * Format: date-time
       * @description After this moment the memory is never returned, and the expiry sweep removes it (give this or ttl, not both)
       */
      expiresAt?: string;
      /** @description Seconds from now until the memory expires (instead of expiresAt). */
      ttl?: number;
      /** @description A pinned memory never expires and never decays. */
      pinned?: boolean;
      /** @description Also ask the LLM for an insight over related memories and store it as a memory of type insight. */
      withInsights?: boolean;
    };
    MemoryView: {
      /** Format: uuid */
      id: string;
      content: string;
      type: string;
      metadata: {
        [key: string]: unknown;
      };
      tags: string[];
      /** Format: uuid */
      sessionId: string | null;
      /** @description the conversation (thread) it was said in */
      conversationId: string | null;
      /**
       * Format: date-time
       * @description when it was said or happened (createdAt unless given)
       */
      occurredAt: string;
      /** @description sha256 of type and content */
      contentHash: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
      embeddingModel: string;
      /**
       * @description current: returned by search and lists; superseded: a newer memory contradicts it; retracted: the user took it back (both shown only with includeSuperseded=true)
       * @enum {string}
       */
      status: 'current' | 'superseded' | 'retracted';
      /**
       * Format: uuid
       * @description the memory that superseded this one
       */
      supersededBy: string | null;
      /**
       * Format: date-time
       * @description never returned after this; removed by the expiry sweep
       */
      expiresAt: string | null;
      /** @description pinned memories never expire or decay in ranking */
      pinned: boolean;
    };
    InsightOutcomeView: {
      /** @enum {string} */
      status: 'created' | 'missing';
      memory?: components['schemas']['MemoryView'];
      sourceIds?: string[];
      /** @description Why there is no insight (the memory is stored all the same). */
      reason?: string;
    };
    MemoryWithInsightView: {
      /** Format: uuid */
      id: string;
      content: string;
      type: string;
      metadata: {
        [key: string]: unknown;
      };
      tags: string[];
      /** Format: uuid */
      sessionId: string | null;
      /** @description the conversation (thread) it was said in */
      conversationId: string | null;
      /**
       * Format: date-time
       * @description when it was said or happened (createdAt unless given)
       */
      occurredAt: string;
      /** @description sha256 of type and content */
      contentHash: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
      embeddingModel: string;
      /**
       * @description current: returned by search and lists; superseded: a newer memory contradicts it; retracted: the user took it back (both shown only with includeSuperseded=true)
       * @enum {string}
       */
      status: 'current' | 'superseded' | 'retracted';
      /**
       * Format: uuid
       * @description the memory that superseded this one
       */
      supersededBy: string | null;
      /**
       * Format: date-time
       * @description never returned after this; removed by the expiry sweep
       */
      expiresAt: string | null;
      /** @description pinned memories never expire or decay in ranking */
      pinned: boolean;
      /** @description Present when withInsights was true. */
      insight?: components['schemas']['InsightOutcomeView'];
    };
    InsightsRequestDto: {
      /** @description Draw insights from the memories closest to this (or give memoryIds). */
      query?: string;
      memoryIds?: string[];
      /**
       * @description Memories to use with a query.
       * @default 5
       */
      limit?: number;
    };
    InsightView: {
      insight: string;
      model: string;
      /** @description The memories the insight was drawn from */
      sourceIds: string[];
    };
    CreateMemoryDto: {
      /**
       * @description The text to remember.
       * @example The user prefers dark roast coffee.
       */
      content: string;
      /**
       * @description A kind of memory, e.g. text, fact, preference, insight.
       * @example preference
       */
      type: string;
      /**
       * @description Flat key/value pairs (string, number, boolean); at most 32 keys.
       * @example {
       *       "source": "chat",
       *       "confidence": 0.9
       *     }
       */
      metadata?: {
        [key: string]: string | number | boolean;
      };
      /**
       * @description Labels; 1-64 letters, digits, spaces or _ . : -
       * @example [
       *       "coffee",
       *       "preferences"
       *     ]
       */
      tags?: string[];
      /**
       * Format: uuid
       * @description The session this memory belongs to.
       */
      sessionId?: string;
      /**
       * @description The conversation (thread) this memory was said in, e.g. a chat id; its memories are ordered by occurredAt, and a message is found through its neighbours in it
       * @example chat-2023-05-08
       */
      conversationId?: string;
      /**
       * Format: date-time
       * @description When it was said or happened (ISO 8601); default: when it is stored. Dates in a query ("in May", "last week") favour memories that occurred then.
       * @example 2023-05-08T13:56:00Z
       */
      occurredAt?: string;
      /**
       * Format: date-time
       * @description After this moment the memory is never returned, and the expiry sweep removes it (give this or ttl, not both)
       */
      expiresAt?: string;
      /** @description Seconds from now until the memory expires (instead of expiresAt). */
      ttl?: number;
      /** @description A pinned memory never expires and never decays. */
      pinned?: boolean;
    };
    BatchCreateMemoriesDto: {
      items: components['schemas']['CreateMemoryDto'][];
    };
    BatchItemResultView: {
      index: number;
      /**
       * @description 201 stored now, 200 already stored
       * @enum {number}
       */
      status: 200 | 201;
      memory: components['schemas']['MemoryView'];
    };
    BatchResultView: {
      created: number;
      existing: number;
      results: components['schemas']['BatchItemResultView'][];
    };
    MemoryFilterDto: {
      /**
       * @description A kind of memory, e.g. text, fact, preference, insight.
       * @example preference
       */
      type?: string;
      /**
       * @description Labels; 1-64 letters, digits, spaces or _ . : -
       * @example [
       *       "coffee",
       *       "preferences"
       *     ]
       */
      tags?: string[];
      /**
       * @description Flat key/value pairs (string, number, boolean); at most 32 keys.
       * @example {
       *       "source": "chat",
       *       "confidence": 0.9
       *     }
       */
      metadata?: {
        [key: string]: string | number | boolean;
      };
      /**
       * Format: uuid
       * @description The session this memory belongs to.
       */
      sessionId?: string;
      /**
       * @description The conversation (thread) this memory was said in, e.g. a chat id; its memories are ordered by occurredAt, and a message is found through its neighbours in it
       * @example chat-2023-05-08
       */
      conversationId?: string;
      /**
       * Format: date-time
       * @description Only memories created after this.
       */
      createdAfter?: string;
      /**
       * Format: date-time
       * @description Only memories created before this.
       */
      createdBefore?: string;
      /**
       * Format: date-time
       * @description Only memories that occurred at or after this moment (inclusive; ISO 8601), by their occurredAt (createdAt when none was given).
       * @example 2023-05-01T00:00:00Z
       */
      occurredAfter?: string;
      /**
       * Format: date-time
       * @description Only memories that occurred before this moment (exclusive; ISO 8601), by their occurredAt (createdAt when none was given); later than occurredAfter when both are given, so that windows such as May (2023-05-01 to 2023-06-01) tile.
       * @example 2023-06-01T00:00:00Z
       */
      occurredBefore?: string;
    };
    SearchMemoriesDto: {
      /** @example what coffee does the user like? */
      query: string;
      /**
       * @description hybrid: BM25 keyword score and vector similarity combined (the default unless SEARCH_DEFAULT_MODE says otherwise); vector: similarity only; keyword: BM25 only
       * @enum {string}
       */
      mode?: 'hybrid' | 'vector' | 'keyword';
      /**
       * @description false skips the reranker for this search (only matters when one is configured)
       * @default true
       */
      rerank?: boolean;
      /** @default 10 */
      limit?: number;
      filter?: components['schemas']['MemoryFilterDto'];
      /** @description Drop results scoring below this. */
      minScore?: number;
      /**
       * @description Superseded and retracted memories too, marked by their status.
       * @default false
       */
      includeSuperseded?: boolean;
      /** @description Recency weight: scores halve every this many days since a memory last changed (pinned memories excepted); 0 turns it off. Default: SEARCH_HALF_LIFE_DAYS (0, off). */
      halfLifeDays?: number;
      /**
       * Format: date-time
       * @description "Now" for the question: dates in the query ("in May", "last month", "two weeks ago") are read against it and favour memories that occurred then (occurredAt), and a weak recency prior counts back from it. Default: the current time.
       * @example 2023-09-20T18:00:00Z
       */
      referenceDate?: string;
    };
    ScoringView: {
      /** @enum {string} */
      mode: 'hybrid' | 'vector' | 'keyword';
      /** @description cosine similarity to the query (1 − distance) */
      vector?: number;
      /** @description BM25 of the query terms in this memory, and (weighted lower) in the messages around it in its conversation; 0: none occurs */
      keyword?: number;
      /** @description the reranker's relevance score, when it reordered results */
      rerank?: number;
      /** @description the recency factor (0.5^(age/half-life)) the score was multiplied by */
      recency?: number;
      /** @description added: it occurred within a date the query names ("in May", "last week") */
      time?: number;
      /** @description added: the weak prior for memories that occurred shortly before referenceDate */
      recencyPrior?: number;
      /** @description added: it names, or its metadata speaker is, a person the query names */
      people?: number;
      /** @description added (a share of its fused score): it holds the kind of answer the query asks for (a time for "When ...", a number or amount for "How much/many ...") */
      answerKind?: number;
      /** @description added (a share of its fused score): it tells rather than asks (its text does not end in a question mark) */
      statement?: number;
      /** @description word overlap (0-1) with a result above it, held against it by diversity (MMR) */
      overlap?: number;
      /** @description the sub-question the chat model split the query into (SEARCH_DECOMPOSE) that found this memory with a higher score than the whole query did */
      subQuestion?: string;
    };
    ScoredMemoryView: {
      /** Format: uuid */
      id: string;
      content: string;
      type: string;
      metadata: {
        [key: string]: unknown;
      };
      tags: string[];
      /** Format: uuid */
      sessionId: string | null;
      /** @description the conversation (thread) it was said in */
      conversationId: string | null;
      /**
       * Format: date-time
       * @description when it was said or happened (createdAt unless given)
       */
      occurredAt: string;
      /** @description sha256 of type and content */
      contentHash: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
      embeddingModel: string;
      /**
       * @description current: returned by search and lists; superseded: a newer memory contradicts it; retracted: the user took it back (both shown only with includeSuperseded=true)
       * @enum {string}
       */
      status: 'current' | 'superseded' | 'retracted';
      /**
       * Format: uuid
       * @description the memory that superseded this one
       */
      supersededBy: string | null;
      /**
       * Format: date-time
       * @description never returned after this; removed by the expiry sweep
       */
      expiresAt: string | null;
      /** @description pinned memories never expire or decay in ranking */
      pinned: boolean;
      /** @description ranking score, higher is better: vector mode 1 − cosine distance; keyword mode BM25 relative to the best match; hybrid mode the weighted sum of both plus what the signals added (scoring.time, recencyPrior, people, answerKind, statement), in [0, 1] */
      score: number;
      /** @description cosine distance, lower is closer; null in keyword mode */
      distance: number | null;
      /** @description how this result scored */
      scoring: components['schemas']['ScoringView'];
    };
    RerankReportView: {
      /**
       * @description off: no reranker configured or rerank=false; applied: results are in the reranker order; failed: the reranker did not answer and results are in their first-stage order
       * @enum {string}
       */
      status: 'off' | 'applied' | 'failed';
      /** @description why the reranker failed */
      detail?: string;
    };
    SearchResultsView: {
      results: components['schemas']['ScoredMemoryView'][];
      rerank: components['schemas']['RerankReportView'];
    };
    MemoryPageView: {
      items: components['schemas']['MemoryView'][];
      nextCursor: string | null;
    };
    MemoryVersionView: {
      /** Format: uuid */
      memoryId: string;
      /** @description 1 for the first version replaced, counting up */
      version: number;
      content: string;
      type: string;
      tags: string[];
      metadata: {
        [key: string]: unknown;
      };
      /** Format: date-time */
      createdAt: string;
      /**
       * Format: date-time
       * @description When this version came to be
       */
      validFrom: string;
      /**
       * Format: date-time
       * @description When a change replaced it
       */
      replacedAt: string;
      /**
       * @description the status this version had
       * @enum {string}
       */
      status: 'current' | 'superseded' | 'retracted';
      /** Format: uuid */
      supersededBy: string | null;
      /** Format: date-time */
      expiresAt: string | null;
      pinned: boolean;
      conversationId?: string | null;
      /** Format: date-time */
      occurredAt?: string;
      /**
       * @description What replaced it
       * @enum {string}
       */
      event: 'updated' | 'deleted' | 'restored' | 'superseded' | 'retracted' | 'expired';
      /** @description Who made the change: { via: "jwt" | "api-key" | "system", cause: "request" | "extraction" | "expiry" } */
      by: Record<string, never>;
      /** @description Set when the version came from an import: its "by" is what the file claimed. { at: when it was imported, via: the importer's credential } */
      imported?: Record<string, never>;
    };
    MemoryHistoryView: {
      /** @description Oldest first */
      items: components['schemas']['MemoryVersionView'][];
    };
    UpdateMemoryDto: {
      /**
       * @description The text to remember.
       * @example The user prefers dark roast coffee.
       */
      content?: string;
      /**
       * @description A kind of memory, e.g. text, fact, preference, insight.
       * @example preference
       */
      type?: string;
      /**
       * @description Flat key/value pairs (string, number, boolean); at most 32 keys.
       * @example {
       *       "source": "chat",
       *       "confidence": 0.9
       *     }
       */
      metadata?: {
        [key: string]: string | number | boolean;
      };
      /**
       * @description Labels; 1-64 letters, digits, spaces or _ . : -
       * @example [
       *       "coffee",
       *       "preferences"
       *     ]
       */
      tags?: string[];
      /**
       * @description The conversation (thread) this memory was said in, e.g. a chat id; its memories are ordered by occurredAt, and a message is found through its neighbours in it; null: in no conversation
       * @example chat-2023-05-08
       */
      conversationId?: string | null;
      /**
       * Format: date-time
       * @description When it was said or happened (ISO 8601); default: when it is stored. Dates in a query ("in May", "last week") favour memories that occurred then.
       * @example 2023-05-08T13:56:00Z
       */
      occurredAt?: string;
      /**
       * Format: date-time
       * @description After this moment the memory is never returned, and the expiry sweep removes it (give this or ttl, not both); null: never expires
       */
      expiresAt?: string | null;
      /** @description Seconds from now until the memory expires (instead of expiresAt). */
      ttl?: number;
      /** @description A pinned memory never expires and never decays. */
      pinned?: boolean;
    };
    LegacyCreateMemoryDto: {
      /**
       * @description The text to remember.
       * @example The user prefers dark roast coffee.
       */
      content: string;
      /**
       * @description A kind of memory, e.g. text, fact, preference, insight.
       * @example preference
       */
      type: string;
      /**
       * @description Flat key/value pairs (string, number, boolean); at most 32 keys.
       * @example {
       *       "source": "chat",
       *       "confidence": 0.9
       *     }
       */
      metadata?: {
        [key: string]: string | number | boolean;
      };
      /**
       * @description Labels; 1-64 letters, digits, spaces or _ . : -
       * @example [
       *       "coffee",
       *       "preferences"
       *     ]
       */
      tags?: string[];
      /**
       * Format: uuid
       * @description The session this memory belongs to.
       */
      sessionId?: string;
      /**
       * @description The conversation (thread) this memory was said in, e.g. a chat id; its memories are ordered by occurredAt, and a message is found through its neighbours in it
       * @example chat-2023-05-08
       */
      conversationId?: string;
      /**
       * Format: date-time
       * @description When it was said or happened (ISO 8601); default: when it is stored. Dates in a query ("in May", "last week") favour memories that occurred then.
       * @example 2023-05-08T13:56:00Z
       */
      occurredAt?: string;
      /**
       * Format: date-time
       * @description After this moment the memory is never returned, and the expiry sweep removes it (give this or ttl, not both)
       */
      expiresAt?: string;
      /** @description Seconds from now until the memory expires (instead of expiresAt). */
      ttl?: number;
      /** @description A pinned memory never expires and never decays. */
      pinned?: boolean;
      /**
       * @deprecated
       * @description Ignored; the caller identity decides the owner.
       */
      userId?: string;
    };
    SubjectView: {
      /** @description The subject id, as sent in X-Memory-Subject. */
      id: string;
      /** @description How many memories the subject holds now. */
      memories: number;
      /**
       * Format: date-time
       * @description When a request last acted for the subject (to within 30 seconds).
       */
      lastActivityAt: string;
    };
    SubjectListView: {
      items: components['schemas']['SubjectView'][];
      /** @description Pass back as cursor for the next page. */
      nextCursor: string | null;
    };
    CreateSessionDto: {
      /** @example Planning the trip to Lisbon */
      title?: string;
      /**
       * @example {
       *       "client": "open-webui"
       *     }
       */
      metadata?: {
        [key: string]: unknown;
      };
      /**
       * @description Learn facts from user and assistant items as they are appended (extraction; needs the chat LLM and an API key with memories:write). It runs after the append answers.
       * @default false
       */
      extract?: boolean;
    };
    ContextItemView: {
      /** @enum {string} */
      role: 'system' | 'user' | 'assistant' | 'tool' | 'memory';
      content: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: uuid */
      memoryId?: string;
    };
    SessionView: {
      /** Format: uuid */
      id: string;
      title: string | null;
      metadata: {
        [key: string]: unknown;
      };
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      lastActivityAt: string;
      /** Format: date-time */
      expiresAt: string;
      /** @description facts are learned from appended items */
      extract: boolean;
      context: components['schemas']['ContextItemView'][];
    };
    SessionSummaryView: {
      /** Format: uuid */
      id: string;
      title: string | null;
      metadata: {
        [key: string]: unknown;
      };
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      lastActivityAt: string;
      /** Format: date-time */
      expiresAt: string;
      /** @description facts are learned from appended items */
      extract: boolean;
      /** @description Items in its context window (read them with GET /sessions/{id}). */
      contextItems: number;
    };
    SessionListView: {
      items: components['schemas']['SessionSummaryView'][];
      /** @description Pass back as cursor for the next page. */
      nextCursor: string | null;
    };
    ContextItemDto: {
      /** @enum {string} */
      role: 'system' | 'user' | 'assistant' | 'tool';
      content: string;
    };
    AppendContextDto: {
      items: components['schemas']['ContextItemDto'][];
    };
    SessionContextView: {
      /** @description The session without its context window, which is `context` beside it. */
      session: components['schemas']['SessionSummaryView'];
      context: components['schemas']['ContextItemView'][];
      /** @description With a query: the closest memories (with score). Without: the memories stored in this session. */
      memories: components['schemas']['ScoredMemoryView'][];
    };
    RestoreDto: {
      /**
       * @description replace: empty first; merge: write over what is there
       * @enum {string}
       */
      mode: 'replace' | 'merge';
      /**
       * @description Restore an archive this service did not sign (another deployment, an older release). Only for archives whose origin you know: anyone who can write into BACKUP_DIR can make one.
       * @default false
       */
      trustUnsigned?: boolean;
      /**
       * @description Accounts that exist now keep their current passwords, disabled flags and API keys (keys revoked since the archive stay revoked, keys made since keep working) and the login sessions the archive brings back end. Without it, accounts come back as the archive has them.
       * @default false
       */
      keepCredentials?: boolean;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  AuthController_login_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['LoginDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TokenPairView'];
        };
      };
    };
  };
  AuthController_refresh_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RefreshDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TokenPairView'];
        };
      };
    };
  };
  AuthController_logout_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RefreshDto'];
      };
    };
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AuthController_me_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserView'];
        };
      };
    };
  };
  AuthController_listApiKeys_v1: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
      };
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApiKeyPageView'];
        };
      };
    };
  };
  AuthController_createApiKey_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateApiKeyDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CreatedApiKeyView'];
        };
      };
    };
  };
  AuthController_revokeApiKey_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AdminUsersController_list_v1: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
      };
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserPageView'];
        };
      };
    };
  };
  AdminUsersController_create_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateUserDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserView'];
        };
      };
    };
  };
  AdminUsersController_get_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserView'];
        };
      };
    };
  };
  AdminUsersController_remove_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The user and all their memories, sessions and keys are gone */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AdminUsersController_update_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateUserDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UpdatedUserView'];
        };
      };
    };
  };
  MemoryTransferController_export_v1: {
    parameters: {
      query?: {
        /** @description Include each memory's vector. */
        embeddings?: boolean;
      };
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  MemoryTransferController_import_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/x-ndjson': string;
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ImportReportView'];
        };
      };
    };
  };
  ExtractionController_extract_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ExtractMemoriesDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ExtractionReceiptView'];
        };
      };
    };
  };
  ContextController_build_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ContextRequestDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ContextView'];
        };
      };
    };
  };
  MemoryController_list_v1: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The nextCursor of the previous page. */
        cursor?: string;
        /** @description A kind of memory, e.g. text, fact, preference, insight. */
        type?: string;
        /** @description Only memories with this tag. */
        tag?: string;
        /** @description The session this memory belongs to. */
        sessionId?: string;
        /** @description The conversation (thread) this memory was said in, e.g. a chat id; its memories are ordered by occurredAt, and a message is found through its neighbours in it */
        conversationId?: string;
        /** @description Only memories that occurred at or after this moment (inclusive; ISO 8601), by their occurredAt (createdAt when none was given). */
        occurredAfter?: string;
        /** @description Only memories that occurred before this moment (exclusive; ISO 8601), by their occurredAt (createdAt when none was given); later than occurredAfter when both are given, so that windows such as May (2023-05-01 to 2023-06-01) tile. */
        occurredBefore?: string;
        /** @description Superseded and retracted memories too, marked by their status. */
        includeSuperseded?: boolean;
      };
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MemoryPageView'];
        };
      };
    };
  };
  MemoryController_create_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateMemoryRequestDto'];
      };
    };
    responses: {
      /** @description Already stored: the existing memory */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MemoryWithInsightView'];
        };
      };
      /** @description Stored */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MemoryWithInsightView'];
        };
      };
    };
  };
  MemoryController_insight_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['InsightsRequestDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['InsightView'];
        };
      };
    };
  };
  MemoryController_createBatch_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['BatchCreateMemoriesDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['BatchResultView'];
        };
      };
    };
  };
  MemoryController_search_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SearchMemoriesDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SearchResultsView'];
        };
      };
    };
  };
  MemoryController_get_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MemoryView'];
        };
      };
    };
  };
  MemoryController_remove_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  MemoryController_update_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateMemoryDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MemoryView'];
        };
      };
    };
  };
  MemoryController_history_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MemoryHistoryView'];
        };
      };
    };
  };
  MemoryController_restoreVersion_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        id: string;
        version: number;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MemoryView'];
        };
      };
    };
  };
  LegacyMemoryController_search: {
    parameters: {
      query?: {
        /** @description Text to search for (required). */
        query?: string;
        limit?: number;
      };
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ScoredMemoryView'][];
        };
      };
    };
  };
  LegacyMemoryController_create: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['LegacyCreateMemoryDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MemoryView'];
        };
      };
    };
  };
  LegacyMemoryController_update: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateMemoryDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MemoryView'];
        };
      };
    };
  };
  LegacyMemoryController_remove: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AdminReembedController_status_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description state idle|running|done|failed; users (accounts), subjects and memories, each done of total; erased: users and subjects deleted while it ran (skipped, nothing of theirs kept) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AdminReembedController_start_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Started; GET this path for progress */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description A re-embedding is already running */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AdminUserMemoriesController_export_v1: {
    parameters: {
      query?: {
        /** @description Include each memory's vector. */
        embeddings?: boolean;
        /** @description One of the user's subjects (1 to 128 characters of A-Z a-z 0-9 . _ @ : -). */
        subject?: string;
      };
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        userId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AdminUserMemoriesController_import_v1: {
    parameters: {
      query?: {
        /** @description One of the user's subjects (1 to 128 characters of A-Z a-z 0-9 . _ @ : -). */
        subject?: string;
      };
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        userId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  SubjectsController_list_v1: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The nextCursor of the previous page. */
        cursor?: string;
      };
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SubjectListView'];
        };
      };
    };
  };
  SubjectsController_erase_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description An erasure of this subject is already running */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  SessionsController_list_v1: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The nextCursor of the previous page. */
        cursor?: string;
      };
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SessionListView'];
        };
      };
    };
  };
  SessionsController_create_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateSessionDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SessionView'];
        };
      };
    };
  };
  SessionsController_get_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SessionView'];
        };
      };
    };
  };
  SessionsController_remove_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  SessionsController_context_v1: {
    parameters: {
      query?: {
        /** @description Find the memories closest to this; without it, the memories stored in the session. */
        query?: string;
        limit?: number;
      };
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SessionContextView'];
        };
      };
    };
  };
  SessionsController_append_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['AppendContextDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SessionView'];
        };
      };
    };
  };
  McpController_refuseStream: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  McpController_refusePut: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  McpController_handle: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  McpController_refuseSessionEnd: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  McpController_refusePatch: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  ChatProxyController_models: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  ChatProxyController_complete: {
    parameters: {
      query?: never;
      header?: {
        /** @description "false": learn nothing */
        'X-Memory-Learn'?: string;
        /** @description a session id: also its recent turns (needs the sessions scope) */
        'X-Memory-Session'?: string;
        /** @description "off": relay untouched */
        'X-Memory-Mode'?: string;
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    /** @description OpenAI's chat completion request; every field is passed on to the model as sent (tools, response_format, temperature, stream, ...) */
    requestBody: {
      content: {
        'application/json': {
          model: string;
          messages: ({
            role: string;
            content?: unknown;
          } & {
            [key: string]: unknown;
          })[];
          stream?: boolean;
        } & {
          [key: string]: unknown;
        };
      };
    };
    responses: {
      /** @description OpenAI's chat completion (or its server-sent event stream); X-Memory-Ids names the memories added */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AdminBackupsController_list_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Archives in BACKUP_DIR, newest first (items), the schedule, and running: the backup or restore this instance is running through the API ({ job, phase, done, total, startedAt }), or null */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AdminBackupsController_create_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The archive and its manifest */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AdminBackupsController_get_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AdminBackupsController_remove_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AdminBackupsController_restore_v1: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path: {
        name: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RestoreDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  HealthController_check: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Every backend answers */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description A backend does not answer; the body says which */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  HealthController_ready: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Ready to serve */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description ChromaDB or the state store does not answer */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  HealthController_live: {
    parameters: {
      query?: never;
      header?: {
        /** @description Act for this end user (subject) of the account's app (needs the subjects scope): memory, search, history, session, context, extraction, insight and export/import routes work in the subject's own memories. Account routes (keys, profile, admin, subjects) ignore it. */
        'X-Memory-Subject'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Alive */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
}
