import { Readable } from 'node:stream';
import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { type Caller, CurrentCaller, InvalidRequest, RequireScopes } from '@memory-system/core';
import { type ImportReport, MemoryTransferService } from './memory-transfer.service.js';

export class ExportQuery {
  @ApiPropertyOptional({ default: false, description: "Include each memory's vector." })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'embeddings must be true or false' })
  embeddings?: boolean;
}

class ImportReportView implements ImportReport {
  @ApiPropertyOptional() memories!: number;
  @ApiPropertyOptional() created!: number;
  @ApiPropertyOptional() existing!: number;
  @ApiPropertyOptional({ description: 'expired before the import, so not stored' })
  expired!: number;
  @ApiPropertyOptional({
    description: "the file's embedding model or dimension is not this user's: embedded anew",
  })
  reembedded!: boolean;
  @ApiPropertyOptional({
    description: "the stored vectors are the file's (else each memory was embedded here)",
  })
  vectorsFromFile!: boolean;
}

/** Declared before MemoryController's routes, or GET /memories/:id would take /memories/export. */
@ApiTags('memories')
@Controller({ path: 'memories', version: '1' })
export class MemoryTransferController {
  constructor(private readonly transfer: MemoryTransferService) {}

  @RequireScopes('memories:read')
  @Get('export')
  @ApiOperation({
    summary:
      'Every memory of the caller as NDJSON: a header line, then one memory per line (what import takes)',
  })
  @ApiProduces('application/x-ndjson')
  async export(
    @CurrentCaller() caller: Caller,
    @Query() query: ExportQuery,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await sendNdjson(res, this.transfer.export(caller, { embeddings: query.embeddings ?? false }));
  }

  @RequireScopes('memories:write')
  @Post('import')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Store memories from an export (NDJSON); the same file twice stores nothing twice; a bad line refuses the whole file',
  })
  @ApiConsumes('application/x-ndjson')
  @ApiBody({ schema: { type: 'string', description: 'The NDJSON of GET /memories/export' } })
  @ApiOkResponse({ type: ImportReportView })
  import(@CurrentCaller() caller: Caller, @Body() body: unknown): Promise<ImportReport> {
    return this.transfer.import(caller, ndjsonBody(body));
  }
}

/** The import body as text; a JSON (or any other) body gets a 400 that says what to send. */
export function ndjsonBody(body: unknown): string {
  if (typeof body === 'string') return body;
  throw new InvalidRequest(
    'Send the file as Content-Type: application/x-ndjson (one JSON object per line).',
  );
}

/** Streams an export with back-pressure, as an attachment. */
export async function sendNdjson(
  reply: FastifyReply,
  lines: AsyncGenerator<string>,
): Promise<void> {
  // The first read happens before any byte is sent: a failure there is still a problem answer.
  const first = await lines.next();
  async function* all(): AsyncGenerator<string> {
    if (!first.done) yield first.value;
    yield* lines;
  }
  // Fastify pipes the stream with back-pressure; a failure once the headers are gone cuts the
  // response short, the only way left to say it failed.
  reply
    .status(200)
    .header('Content-Type', 'application/x-ndjson; charset=utf-8')
    .header('Content-Disposition', 'attachment; filename="memories.ndjson"')
    .send(Readable.from(all()));
}
