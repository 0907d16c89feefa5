import type { LoggerService } from '@nestjs/common';
import type { ChromaEndpoint } from './chroma-endpoint.js';

export class IncompatibleChromaServer extends Error {
  constructor(url: string) {
    super(
      `The Chroma server at ${url} answers only the old v1 API (/api/v1/heartbeat). ` +
        'memory-system speaks Chroma v2 API through the chromadb v3 client: upgrade the server ' +
        'to Chroma 1.x, or point CHROMA_URL at one.',
    );
    this.name = 'IncompatibleChromaServer';
  }
}

/** No answer from Chroma at all (not started yet, or away): waited for, not a reason to stop. */
export class ChromaUnreachable extends Error {
  constructor(url: string, cause: Error) {
    super(`Chroma at ${url} does not answer (${cause.message})`);
    this.name = 'ChromaUnreachable';
  }
}

async function status(url: string, headers: Record<string, string>, ms: number): Promise<number> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(ms) });
  await response.arrayBuffer();
  return response.status;
}

/**
 * A v2 heartbeat means a compatible server. A 404 there with a 200 from the v1 heartbeat means a
 * server too old for us: stop with a message that says so rather than fail later with a 404.
 * A server that does not answer throws ChromaUnreachable, for the caller to try again later.
 */
export async function checkChromaApiVersion(
  endpoint: ChromaEndpoint,
  timeoutMs: number,
  logger: LoggerService,
): Promise<void> {
  let v2: number;
  try {
    v2 = await status(`${endpoint.url}/api/v2/heartbeat`, endpoint.headers, timeoutMs);
  } catch (error) {
    throw new ChromaUnreachable(endpoint.url, error as Error);
  }
  if (v2 === 200) return;
  if (v2 === 404) {
    const v1 = await status(`${endpoint.url}/api/v1/heartbeat`, endpoint.headers, timeoutMs).catch(
      () => 0,
    );
    if (v1 === 200) throw new IncompatibleChromaServer(endpoint.url);
  }
  if (v2 === 401 || v2 === 403) {
    throw new Error(
      `Chroma at ${endpoint.url} refused our credentials (HTTP ${v2}): check CHROMA_AUTH or CHROMA_TOKEN.`,
    );
  }
  logger.warn(`Chroma at ${endpoint.url} answered its heartbeat with HTTP ${v2}.`);
}
