import { Module } from '@nestjs/common';
import { InferenceModule } from '@memory-system/inference';
import { MemoryModule } from '@memory-system/memory';
import { McpController } from './mcp.controller.js';
import { McpToolRunner } from './mcp-tool-runner.js';

/** MCP for agents, on the memory and session services (SessionModule is global). */
@Module({
  imports: [MemoryModule, InferenceModule],
  controllers: [McpController],
  providers: [McpToolRunner],
})
export class McpModule {}
