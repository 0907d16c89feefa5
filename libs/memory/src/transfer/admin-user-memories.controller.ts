import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  type Caller,
  CurrentCaller,
  NotFound,
  RequireScopes,
  Roles,
  UserDirectory,
} from '@memory-system/core';
import { ExportQuery, ndjsonBody, sendNdjson } from './memory-transfer.controller.js';
import { type ImportReport, MemoryTransferService } from './memory-transfer.service.js';

/** An admin exports or imports the memories of a named user (moving or restoring one account). */
@ApiTags('admin')
@Roles('admin')
@RequireScopes('admin')
@Controller({ path: 'admin/users/:userId/memories', version: '1' })
export class AdminUserMemoriesController {
  constructor(
    private readonly transfer: MemoryTransferService,
    private readonly directory: UserDirectory,
  ) {}

  @Get('export')
  @ApiOperation({ summary: "A user's memories as NDJSON, as GET /memories/export gives them" })
  @ApiProduces('application/x-ndjson')
  async export(
    @CurrentCaller() admin: Caller,
    @Param('userId') userId: string,
    @Query() query: ExportQuery,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const owner = await this.actingAs(admin, userId);
    await sendNdjson(res, this.transfer.export(owner, { embeddings: query.embeddings ?? false }));
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({ summary: "Import an export into a user's memories, as POST /memories/import" })
  @ApiConsumes('application/x-ndjson')
  async import(
    @CurrentCaller() admin: Caller,
    @Param('userId') userId: string,
    @Body() body: unknown,
  ): Promise<ImportReport> {
    const owner = await this.actingAs(admin, userId);
    return this.transfer.import(owner, ndjsonBody(body));
  }

  /** The named user as the caller of the transfer; every store call is then scoped to them. */
  private async actingAs(admin: Caller, userId: string): Promise<Caller> {
    const account = await this.directory.account(userId);
    if (!account)
      throw new NotFound('User not found', `No user with id ${JSON.stringify(userId)}.`);
    return {
      userId: account.id,
      role: account.role,
      via: admin.via,
      scopes: ['memories:read', 'memories:write'],
    };
  }
}
