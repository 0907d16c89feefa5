import {
  ChromaClientError,
  ChromaConnectionError,
  ChromaForbiddenError,
  ChromaNotFoundError,
  ChromaQuotaExceededError,
  ChromaRateLimitError,
  ChromaServerError,
  ChromaUnauthorizedError,
  ChromaUniqueError,
} from 'chromadb';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { Metadata } from '../vector-store.port.js';

/** The columns of an add or upsert, as Chroma's API takes them. */
export interface RecordColumns {
  ids: string[];
  embeddings: number[][];
  documents: string[];
  metadatas: Metadata[];
}

type Include = 'documents' | 'metadatas' | 'embeddings' | 'distances';

export interface QueryBody {
  query_embeddings: number[][];
  n_results: number;
  include: Include[];
  where?: Record<string, unknown>;
}

export interface GetBody {
  ids?: string[];
  where?: Record<string, unknown>;
  limit?: number;
  offset?: number;
  include: Include[];
}

/** Chroma's answer to a query: one row per query embedding. */
export interface QueryAnswer {
  ids: string[][];
  documents?: Array<Array<string | null>> | null;
  metadatas?: Array<Array<Record<string, unknown> | null>> | null;
  distances?: Array<Array<number | null>> | null;
}

export interface GetAnswer {
  ids: string[];
  documents?: Array<string | null> | null;
  metadatas?: Array<Record<string, unknown> | null> | null;
  embeddings?: Array<number[] | null> | null;
}

export interface ChromaRecordsOptions {
  /** The server's origin; a path in it is ignored, as the chromadb client ignores it. */
  url: string;
  headers: Record<string, string>;
  tenant: string;
  database: string;
  /** A connection that sends no answer for this long is closed (callers time out sooner). */
  timeoutMs: number;
}

/**
 * Chroma's record endpoints (its v2 API: add, upsert, query, get, delete) over a pool of kept-alive
 * connections. The chromadb client sends every call through fetch, which builds a WHATWG Request
 * and web streams for it: in the service that was about 1 ms of CPU per call, as much as Chroma
 * spends on a small query (20 nearest of 10,000 from one process, measured: 3.2-4.2 ms through
 * chromadb, 2.6 ms through undici's pool). So the calls on a request's path come here, and
 * collections and whole-store work stay with chromadb. Failures are chromadb's own error classes,
 * thrown on the same answers as chromadb throws them, so both paths fail alike.
 */
export class ChromaRecordsClient {
  private readonly pool: Pool;
  private readonly base: string;

  constructor(private readonly options: ChromaRecordsOptions) {
    this.pool = new Pool(new URL(options.url).origin, {
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const tenant = encodeURIComponent(options.tenant);
    const database = encodeURIComponent(options.database);
    this.base = `/api/v2/tenants/${tenant}/databases/${database}/collections/`;
  }

  async add(collectionId: string, columns: RecordColumns): Promise<void> {
    await this.post(collectionId, 'add', columns);
  }

  async upsert(collectionId: string, columns: RecordColumns): Promise<void> {
    await this.post(collectionId, 'upsert', columns);
  }

  query(collectionId: string, body: QueryBody): Promise<QueryAnswer> {
    return this.read<QueryAnswer>(collectionId, 'query', body);
  }

  get(collectionId: string, body: GetBody): Promise<GetAnswer> {
    return this.read<GetAnswer>(collectionId, 'get', body);
  }

  /** Deletes the records with these ids, only those matching `where` when it is given. */
  async delete(
    collectionId: string,
    ids: string[],
    where?: Record<string, unknown>,
  ): Promise<void> {
    await this.post(collectionId, 'delete', where ? { ids, where } : { ids });
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /**
   * A read that meets a record Chroma is deleting at that moment can fail with "Error finding id"
   * (1 get in about 3,000 made during deletes, measured against Chroma 1.x); asked once more,
   * Chroma answers with the delete done. A read of a new collection whose first records Chroma is
   * indexing at that moment can fail with "Nothing found on disk" (1 batch in about 200 when many
   * subjects first write into shared homes, measured); asked again a moment later, it answers.
   * A read changes nothing, so asking again is safe.
   */
  private async read<T>(collectionId: string, action: string, body: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.post<T>(collectionId, action, body);
      } catch (error) {
        if (!(error instanceof ChromaServerError)) throw error;
        if (RACED_DELETE.test(error.message) && attempt === 0) continue;
        const pause = INDEX_NOT_ON_DISK_PAUSES_MS[attempt];
        if (!INDEX_NOT_ON_DISK.test(error.message) || pause === undefined) throw error;
        await sleep(pause);
      }
    }
  }

  private async post<T>(collectionId: string, action: string, body: unknown): Promise<T> {
    let answer: Awaited<ReturnType<Pool['request']>>;
    try {
      answer = await this.pool.request({
        path: `${this.base}${encodeURIComponent(collectionId)}/${action}`,
        method: 'POST',
        headers: { ...this.options.headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new ChromaConnectionError(`Failed to connect to Chroma: ${(error as Error).message}`);
    }
    const text = await answer.body.text().catch((error: Error) => {
      throw new ChromaConnectionError(`Chroma's answer broke off: ${error.message}`);
    });
    if (answer.statusCode < 200 || answer.statusCode >= 300) throw failure(answer.statusCode, text);
    try {
      return (text ? JSON.parse(text) : {}) as T;
    } catch {
      // Something between us and Chroma (a proxy's error page) answered in its place.
      throw new ChromaServerError(
        `Chroma's answer to ${action} is not JSON: ${text.slice(0, 200)}`,
      );
    }
  }
}

/** Chroma's internal error for a record deleted while a read was finding it. */
const RACED_DELETE = /Error finding id/;
/** Chroma's internal error for a collection's index read while its first records are indexed. */
const INDEX_NOT_ON_DISK = /Nothing found on disk/;
const INDEX_NOT_ON_DISK_PAUSES_MS = [20, 100, 400];

/** The error chromadb throws for this status (see its chromaFetch), with the server's message. */
function failure(status: number, text: string): Error {
  const message = messageOf(text) ?? `${status}`;
  switch (status) {
    case 400:
      return new ChromaClientError(`Bad request to Chroma with status: ${message}`);
    case 401:
      return new ChromaUnauthorizedError('Unauthorized');
    case 403:
      return new ChromaForbiddenError(
        'You do not have permission to access the requested resource.',
      );
    case 404:
      return new ChromaNotFoundError('The requested resource could not be found');
    case 409:
      return new ChromaUniqueError('The resource already exists');
    case 422:
      return /^(Quota exceeded|Billing limit exceeded)/.test(message)
        ? new ChromaQuotaExceededError(message)
        : new ChromaClientError(message);
    case 429:
      return new ChromaRateLimitError('Rate limit exceeded');
    default:
      return new ChromaServerError(message);
  }
}

function messageOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    const message = body.message ?? body.error;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return text.trim() ? text.trim().slice(0, 500) : undefined;
  }
}
