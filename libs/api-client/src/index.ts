import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './openapi.js';

export type { components, operations, paths } from './openapi.js';

export interface MemoryClientOptions {
  /** The service's origin, e.g. https://memory.example.com (paths start with /api/v1). */
  baseUrl: string;
  /** An access token from /api/v1/auth/login, or an API key (msk_…). */
  credential?: string;
  /** Another fetch (tests, a server-side runtime). */
  fetch?: typeof globalThis.fetch;
}

/**
 * A typed client of the memory-system API: every path, body, parameter and answer is typed from
 * the OpenAPI document (openapi-fetch over the types openapi-typescript generated), so a web
 * client that calls a route wrongly fails to compile.
 */
export function createMemoryClient(options: MemoryClientOptions): Client<paths> {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers: options.credential ? { Authorization: `Bearer ${options.credential}` } : {},
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
