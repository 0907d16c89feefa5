import type { IncomingHttpHeaders } from 'node:http';
import { type AppConfig, Forbidden, InvalidRequest } from '@memory-system/core';

/**
 * A JSON-RPC batch (an array) is refused: the 2025-06-18 MCP revision removed batching, and one
 * request carrying a hundred tool calls would count once against the rate limit.
 */
export function refuseBatch(body: unknown): void {
  if (Array.isArray(body)) {
    throw new InvalidRequest(
      'JSON-RPC batches are not accepted (MCP 2025-06-18 removed them): send one message per request.',
    );
  }
}

/** The hostname a Host header names, without its port (an IPv6 address keeps its brackets). */
function hostnameOf(host: string): string {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return name.toLowerCase();
}

/**
 * Against DNS rebinding (MCP transport guidance): a Host header must name an allowed host, and
 * an Origin header, which browsers send and other clients do not, an allowed origin; 403
 * otherwise. Empty lists check nothing (see MCP_ALLOWED_HOSTS, MCP_ALLOWED_ORIGINS).
 */
export function checkHostAndOrigin(headers: IncomingHttpHeaders, allowed: AppConfig['mcp']): void {
  const { allowedHosts, allowedOrigins } = allowed;
  if (allowedHosts.length > 0 && !allowedHosts.includes(hostnameOf(headers.host ?? ''))) {
    throw new Forbidden(
      `Host ${JSON.stringify(headers.host ?? '')} is not one /mcp answers to (MCP_ALLOWED_HOSTS).`,
    );
  }
  const origin = headers.origin;
  if (origin === undefined || allowedOrigins.includes('*')) return;
  if (!allowedOrigins.includes(origin.replace(/\/+$/, ''))) {
    throw new Forbidden(
      `Origin ${JSON.stringify(origin)} may not call /mcp (MCP_ALLOWED_ORIGINS or ALLOWED_ORIGINS).`,
    );
  }
}
