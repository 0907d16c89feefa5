import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { QueryLimit } from '@memory-system/core';
import { MemoryLimits } from '../domain/memory-limits.js';
import { MemoryFields } from './memory-fields.js';

export class ListMemoriesQuery {
  @QueryLimit(MemoryLimits.listLimitMax, MemoryLimits.listLimitDefault)
  limit: number = MemoryLimits.listLimitDefault;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  cursor?: string;

  @MemoryFields.type(false) type?: string;

  @ApiPropertyOptional({ description: 'Only memories with this tag.' })
  @IsOptional()
  @IsString()
  @Matches(MemoryLimits.tagPattern, {
    message: 'tag must be 1-64 letters, digits, spaces or _ . : -',
  })
  tag?: string;

  @MemoryFields.sessionId() sessionId?: string;

  /** Given: that conversation's memories, in the order they occurred (occurredAt, then id). */
  @MemoryFields.conversationId() conversationId?: string;

  @MemoryFields.occurredAfter() occurredAfter?: string;
  @MemoryFields.occurredBefore() occurredBefore?: string;

  /** A query string: only the words true and false. */
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @MemoryFields.includeSuperseded()
  includeSuperseded?: boolean;
}
