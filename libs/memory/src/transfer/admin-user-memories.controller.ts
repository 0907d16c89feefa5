import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiConsumes,
  ApiOperation,
  ApiProduces,
  ApiPropertyOptional,
  ApiTags,
  IntersectionType,
} from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import type { FastifyReply } from 'fastify';
import {
  actingFor,
  type Caller,
  CurrentCaller,
  NotFound,
  RequireScopes,
  Roles,
  SUBJECT_ID_RULE,
  UserDirectory,
} from '@memory-system/core';
import { SubjectRegistry } from '../subjects/subject-registry.js';
import { ExportQuery, ndjsonBody, sendNdjson } from './memory-transfer.controller.js';
import { type ImportReport, MemoryTransferService } from './memory-transfer.service.js';

/** `?subject=`: one of the user's subjects instead of the user's own memories. */
export class AdminSubjectQuery {
  @ApiPropertyOptional({ description: `One of the user's subjects (${SUBJECT_ID_RULE}).` })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._@:-]{1,128}$/, { message: `subject: a subject id is ${SUBJECT_ID_RULE}` })
  subject?: string;
}

class AdminExportQuery extends IntersectionType(ExportQuery, AdminSubjectQuery) {}

/** An admin exports or imports the memories of a named user (moving or restoring one account). */
@ApiTags('admin')
@Roles('admin')
@RequireScopes('admin')
@Controller({ path: 'admin/users/:userId/memories', version: '1' })
export class AdminUserMemoriesController {
  constructor(
    private readonly transfer: MemoryTransferService,
    private readonly directory: UserDirectory,
    private readonly subjects: SubjectRegistry,
  ) {}

  @Get('export')
  @ApiOperation({
    summary:
      "A user's (or one of their subjects') memories as NDJSON, as GET /memories/export gives them",
  })
  @ApiProduces('application/x-ndjson')
  async export(
    @CurrentCaller() admin: Caller,
    @Param('userId') userId: string,
    @Query() query: AdminExportQuery,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const owner = await this.actingAs(admin, userId, query.subject);
    await sendNdjson(res, this.transfer.export(owner, { embeddings: query.embeddings ?? false }));
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Import an export into a user's (or one of their subjects') memories, as POST /memories/import",
  })
  @ApiConsumes('application/x-ndjson')
  async import(
    @CurrentCaller() admin: Caller,
    @Param('userId') userId: string,
    @Query() query: AdminSubjectQuery,
    @Body() body: unknown,
  ): Promise<ImportReport> {
    const owner = await this.subjects.enter(await this.actingAs(admin, userId, query.subject));
    return this.transfer.import(owner, ndjsonBody(body));
  }

  /**
   * The named user (or their subject) as the caller of the transfer; every store call is then
   * scoped to them.
   */
  private async actingAs(admin: Caller, userId: string, subject?: string): Promise<Caller> {
    const account = await this.directory.account(userId);
    if (!account)
      throw new NotFound('User not found', `No user with id ${JSON.stringify(userId)}.`);
    const owner: Caller = {
      userId: account.id,
      role: account.role,
      via: admin.via,
      scopes: ['memories:read', 'memories:write', 'subjects'],
    };
    return actingFor(owner, subject);
  }
}
