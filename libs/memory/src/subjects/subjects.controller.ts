import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  accountIdOf,
  assertSubjectId,
  AuditLog,
  type Caller,
  CurrentCaller,
  NotFound,
  RequireScopes,
  subjectSpace,
} from '@memory-system/core';
import { MemoryService } from '../memory.service.js';
import { ListSubjectsQuery, SubjectListView, SubjectView } from './subject.dto.js';
import { SubjectRegistry } from './subject-registry.js';

/** The end users ("subjects") an account's keys have acted for with X-Memory-Subject. */
@ApiTags('subjects')
@ApiBearerAuth()
@RequireScopes('subjects')
@Controller({ path: 'subjects', version: '1' })
export class SubjectsController {
  constructor(
    private readonly subjects: SubjectRegistry,
    private readonly memories: MemoryService,
    private readonly audit: AuditLog,
  ) {}

  @Get()
  @ApiOperation({ summary: "The account's subjects by id, a page at a time" })
  @ApiOkResponse({ type: SubjectListView })
  async list(
    @CurrentCaller() caller: Caller,
    @Query() query: ListSubjectsQuery,
  ): Promise<SubjectListView> {
    const ownerId = accountIdOf(caller);
    const page = await this.subjects.list(ownerId, query);
    const items: SubjectView[] = [];
    for (const subject of page.items) {
      const memories = await this.memories.count(subjectSpace(ownerId, subject.id));
      items.push({ ...subject, memories });
    }
    return { items, nextCursor: page.nextCursor };
  }

  @RequireScopes('subjects', 'memories:write')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Erase a subject: its memories, versions, sessions, keyword entries and vectors',
  })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'An erasure of this subject is already running' })
  async erase(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    assertSubjectId(id, 'id');
    const ownerId = accountIdOf(caller);
    if (!(await this.subjects.erase(ownerId, id))) {
      throw new NotFound('Subject not found', `No subject ${JSON.stringify(id)} for this account.`);
    }
    this.audit.record('subject.erased', { user: ownerId, subject: id });
  }
}
