import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, register } from 'prom-client';

const PREFIX = 'memory_system_';
const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** Reuses a metric already in the default registry (several app instances in one process). */
function metric<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(PREFIX + name) as T | undefined) ?? create();
}

export type Outcome = 'success' | 'error';
export type BreakerState = 'closed' | 'half_open' | 'open';
const BREAKER_VALUES: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * Every metric the service exports, in one place, named by Prometheus conventions (base units,
 * `_total` counters, `_seconds` durations). The default registry is what /metrics serves.
 */
@Injectable()
export class Metrics {
  readonly httpRequestDuration = metric(
    'http_request_duration_seconds',
    () =>
      new Histogram({
        name: `${PREFIX}http_request_duration_seconds`,
        help: 'HTTP requests by route template, method and status code',
        labelNames: ['method', 'route', 'status_code'],
        buckets: LATENCY_BUCKETS,
      }),
  );

  readonly memoryOperations = metric(
    'memory_operations_total',
    () =>
      new Counter({
        name: `${PREFIX}memory_operations_total`,
        help: 'Memory operations by kind and outcome',
        labelNames: ['operation', 'outcome'],
      }),
  );

  readonly mcpToolCallDuration = metric(
    'mcp_tool_call_duration_seconds',
    () =>
      new Histogram({
        name: `${PREFIX}mcp_tool_call_duration_seconds`,
        help: 'MCP tool calls by tool and outcome (success, or error: the call answered a tool error)',
        labelNames: ['tool', 'outcome'],
        buckets: LATENCY_BUCKETS,
      }),
  );

  readonly backendRequestDuration = metric(
    'backend_request_duration_seconds',
    () =>
      new Histogram({
        name: `${PREFIX}backend_request_duration_seconds`,
        help: 'Calls to ChromaDB and the inference server by operation and outcome',
        labelNames: ['backend', 'operation', 'outcome'],
        buckets: LATENCY_BUCKETS,
      }),
  );

  readonly cacheRequests = metric(
    'cache_requests_total',
    () =>
      new Counter({
        name: `${PREFIX}cache_requests_total`,
        help: 'Cache lookups by cache and result (hit or miss)',
        labelNames: ['cache', 'result'],
      }),
  );

  readonly circuitBreakerState = metric(
    'circuit_breaker_state',
    () =>
      new Gauge({
        name: `${PREFIX}circuit_breaker_state`,
        help: 'Circuit breaker state per backend: 0 closed, 1 half-open, 2 open',
        labelNames: ['backend'],
      }),
  );

  readonly backupLastSuccess = metric(
    'backup_last_success_timestamp_seconds',
    () =>
      new Gauge({
        name: `${PREFIX}backup_last_success_timestamp_seconds`,
        help: 'When the last successful backup finished (Unix time)',
      }),
  );

  readonly backupDuration = metric(
    'backup_duration_seconds',
    () =>
      new Gauge({
        name: `${PREFIX}backup_duration_seconds`,
        help: 'How long the last successful backup took',
      }),
  );

  readonly backupSize = metric(
    'backup_size_bytes',
    () =>
      new Gauge({
        name: `${PREFIX}backup_size_bytes`,
        help: 'Size of the last successful backup archive',
      }),
  );

  readonly backupRecords = metric(
    'backup_records',
    () =>
      new Gauge({
        name: `${PREFIX}backup_records`,
        help: 'Chroma records and state entries in the last successful backup',
        labelNames: ['kind'],
      }),
  );

  readonly backupFailures = metric(
    'backup_failures_total',
    () => new Counter({ name: `${PREFIX}backup_failures_total`, help: 'Backups that failed' }),
  );

  readonly keywordIndexRebuilds = metric(
    'keyword_index_rebuilds_total',
    () =>
      new Counter({
        name: `${PREFIX}keyword_index_rebuilds_total`,
        help:
          "Whole rebuilds of a user's keyword index from Chroma, by reason (new: never built " +
          'here; behind: fell past what the change feed holds; replaced: restore, re-embedding ' +
          'or erasure; no_feed: one process without a feed missed a write; space, distrusted)',
        labelNames: ['reason'],
      }),
  );

  readonly keywordIndexFeedEntries = metric(
    'keyword_index_feed_entries_total',
    () =>
      new Counter({
        name: `${PREFIX}keyword_index_feed_entries_total`,
        help: 'Change feed entries (writes by other replicas) applied to the keyword index',
      }),
  );

  readonly keywordIndexCatchUpDuration = metric(
    'keyword_index_catch_up_seconds',
    () =>
      new Histogram({
        name: `${PREFIX}keyword_index_catch_up_seconds`,
        help:
          "Bringing a user's keyword index up to date from the change feed (reading the feed, " +
          're-reading the ids it names from Chroma, applying them), once per catch-up',
        buckets: LATENCY_BUCKETS,
      }),
  );

  readonly memoriesExpired = metric(
    'memories_expired_total',
    () =>
      new Counter({
        name: `${PREFIX}memories_expired_total`,
        help: 'Memories removed by the expiry sweep once their expiresAt had passed',
      }),
  );

  readonly extractionRequests = metric(
    'extraction_requests_total',
    () =>
      new Counter({
        name: `${PREFIX}extraction_requests_total`,
        help: 'Extraction requests by outcome (applied, dry_run, error)',
        labelNames: ['outcome'],
      }),
  );

  readonly extractionDecisions = metric(
    'extraction_decisions_total',
    () =>
      new Counter({
        name: `${PREFIX}extraction_decisions_total`,
        help: 'Decisions applied by extraction, by kind (add, update, supersede, delete, none)',
        labelNames: ['decision'],
      }),
  );

  readonly extractionChatCalls = metric(
    'extraction_chat_calls_total',
    () =>
      new Counter({
        name: `${PREFIX}extraction_chat_calls_total`,
        help: 'Chat calls made by extraction, by step (extract, decide) and outcome',
        labelNames: ['step', 'outcome'],
      }),
  );

  readonly extractionTokens = metric(
    'extraction_tokens_total',
    () =>
      new Counter({
        name: `${PREFIX}extraction_tokens_total`,
        help: 'Tokens the chat model reported for extraction, by direction (prompt, completion)',
        labelNames: ['direction'],
      }),
  );

  readonly extractionDuration = metric(
    'extraction_duration_seconds',
    () =>
      new Histogram({
        name: `${PREFIX}extraction_duration_seconds`,
        help: 'Extraction requests from start to receipt, by outcome',
        labelNames: ['outcome'],
        buckets: LATENCY_BUCKETS,
      }),
  );

  readonly proxyRequests = metric(
    'proxy_requests_total',
    () =>
      new Counter({
        name: `${PREFIX}proxy_requests_total`,
        help: 'Chat proxy requests by outcome: answered, upstream_error (the model failed), refused (our 4xx/5xx), cancelled (the client went away), broken (the stream failed midway)',
        labelNames: ['outcome'],
      }),
  );

  readonly proxyInjectedMemories = metric(
    'proxy_injected_memories',
    () =>
      new Histogram({
        name: `${PREFIX}proxy_injected_memories`,
        help: 'Memories added to each relayed chat request',
        buckets: [0, 1, 2, 5, 10, 20, 50, 100],
      }),
  );

  readonly proxyInjectedTokens = metric(
    'proxy_injected_tokens',
    () =>
      new Histogram({
        name: `${PREFIX}proxy_injected_tokens`,
        help: 'Tokens of the system message added to each relayed chat request',
        buckets: [0, 50, 100, 250, 500, 1000, 2000, 4000, 8000, 16000, 32000],
      }),
  );

  readonly proxyAddedLatency = metric(
    'proxy_added_latency_seconds',
    () =>
      new Histogram({
        name: `${PREFIX}proxy_added_latency_seconds`,
        help: 'Time the chat proxy spends before the model is asked (authentication aside): finding memories and building the request',
        buckets: LATENCY_BUCKETS,
      }),
  );

  readonly proxyLearning = metric(
    'proxy_learning_total',
    () =>
      new Counter({
        name: `${PREFIX}proxy_learning_total`,
        help: 'Background extractions after proxied exchanges, by outcome (learned, failed)',
        labelNames: ['outcome'],
      }),
  );

  /** Times `work` into backend_request_duration_seconds, success or not. */
  async timeBackend<T>(backend: string, operation: string, work: () => Promise<T>): Promise<T> {
    const end = this.backendRequestDuration.startTimer({ backend, operation });
    try {
      const result = await work();
      end({ outcome: 'success' });
      return result;
    } catch (error) {
      end({ outcome: 'error' });
      throw error;
    }
  }

  /** Counts `work` into memory_operations_total. */
  async countOperation<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      this.memoryOperations.inc({ operation, outcome: 'success' });
      return result;
    } catch (error) {
      this.memoryOperations.inc({ operation, outcome: 'error' });
      throw error;
    }
  }

  setBreakerState(backend: string, state: BreakerState): void {
    this.circuitBreakerState.set({ backend }, BREAKER_VALUES[state]);
  }
}
