export type NodeEnv = 'development' | 'production' | 'test';

/**
 * The validated, structured configuration every module receives by injection.
 * An abstract class so it can be the injection token itself.
 */
export abstract class AppConfig {
  abstract readonly env: NodeEnv;
  abstract readonly http: { host: string; port: number; bodyLimit: string; swagger: boolean };
  abstract readonly dataDir: string;
  abstract readonly log: { level: string; pretty: boolean };
  abstract readonly chroma: {
    /** Undefined: start the embedded Chroma server. */
    url?: string;
    headers: Record<string, string>;
    tenant: string;
    database: string;
    timeoutMs: number;
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
  };
}
