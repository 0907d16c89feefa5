import { Injectable, Logger } from '@nestjs/common';
import { assertScope, type Caller, DomainError, Metrics } from '@memory-system/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { MemoryTool } from './memory-tools.js';

/**
 * Runs one tool call for one caller: checks the tool's scopes, times and counts it, and turns
 * what went wrong into a tool error the calling model can read (never a stack trace).
 */
@Injectable()
export class McpToolRunner {
  private readonly logger = new Logger('MCP');

  constructor(private readonly metrics: Metrics) {}

  async call(
    caller: Caller,
    tool: MemoryTool,
    args: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<CallToolResult> {
    const end = this.metrics.mcpToolCallDuration.startTimer({ tool: tool.name });
    const started = performance.now();
    let outcome: 'success' | 'error' = 'success';
    try {
      for (const scope of tool.scopes) assertScope(caller, scope);
      const result = await tool.run(caller, args, signal);
      return {
        content: [{ type: 'text', text: JSON.stringify(result, null, 2) }],
        structuredContent: result,
      };
    } catch (error) {
      outcome = 'error';
      return this.toolError(tool, error);
    } finally {
      end({ outcome });
      // Never the arguments: they hold memory content.
      this.logger.log({
        msg: `MCP ${tool.name}: ${outcome}`,
        tool: tool.name,
        outcome,
        userId: caller.userId,
        via: caller.via,
        durationMs: Math.round(performance.now() - started),
      });
    }
  }

  private toolError(tool: MemoryTool, error: unknown): CallToolResult {
    if (error instanceof DomainError) {
      const problem = {
        status: error.status,
        title: error.title,
        detail: error.message,
        ...(error.retryAfterSeconds === undefined
          ? {}
          : { retryAfterSeconds: error.retryAfterSeconds }),
        ...error.extensions,
      };
      return {
        isError: true,
        content: [{ type: 'text', text: `${error.title}: ${error.message}` }],
        structuredContent: problem,
      };
    }
    this.logger.error(`MCP ${tool.name} failed: ${(error as Error).stack ?? String(error)}`);
    return {
      isError: true,
      content: [{ type: 'text', text: 'Internal error: the call failed on the server side.' }],
    };
  }
}
