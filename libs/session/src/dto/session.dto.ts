import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { QueryLimit } from '@memory-system/core';
import { IsFlatMetadata, MemoryLimits, MemoryView, ScoredMemoryView } from '@memory-system/memory';
import type { ContextRole } from '../session.js';

export const CONTEXT_ITEM_MAX_CHARS = 16_384;
export const CONTEXT_APPEND_MAX = 100;

export class CreateSessionDto {
  @ApiPropertyOptional({ maxLength: 200, example: 'Planning the trip to Lisbon' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { client: 'open-webui' },
  })
  @IsOptional()
  @IsFlatMetadata()
  metadata?: Record<string, string | number | boolean>;

  @ApiPropertyOptional({
    default: false,
    description:
      'Learn facts from user and assistant items as they are appended (extraction; needs the ' +
      'chat LLM and an API key with memories:write). It runs after the append answers.',
  })
  @IsOptional()
  @IsBoolean({ message: 'extract must be true or false' })
  extract?: boolean;
}

export class ContextItemDto {
  @ApiProperty({ enum: ['system', 'user', 'assistant', 'tool'] })
  @IsIn(['system', 'user', 'assistant', 'tool'])
  role!: Exclude<ContextRole, 'memory'>;

  @ApiProperty({ maxLength: CONTEXT_ITEM_MAX_CHARS })
  @IsString()
  @IsNotEmpty()
  @MaxLength(CONTEXT_ITEM_MAX_CHARS)
  content!: string;
}

export class AppendContextDto {
  @ApiProperty({ type: [ContextItemDto], minItems: 1, maxItems: CONTEXT_APPEND_MAX })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CONTEXT_APPEND_MAX)
  @ValidateNested({ each: true })
  @Type(() => ContextItemDto)
  items!: ContextItemDto[];
}

export class SessionContextQuery {
  @ApiPropertyOptional({
    description:
      'Find the memories closest to this; without it, the memories stored in the session.',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MemoryLimits.queryMaxChars)
  query?: string;

  @QueryLimit(MemoryLimits.searchLimitMax, 10)
  limit: number = 10;
}

export class ContextItemView {
  @ApiProperty({ enum: ['system', 'user', 'assistant', 'tool', 'memory'] }) role!: ContextRole;
  @ApiProperty() content!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ format: 'uuid' }) memoryId?: string;
}

/** What every answer about a session says of it. */
class SessionFieldsView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) title!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) lastActivityAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ description: 'facts are learned from appended items' }) extract!: boolean;
}

export class SessionView extends SessionFieldsView {
  @ApiProperty({ type: [ContextItemView] }) context!: ContextItemView[];
}

export class SessionSummaryView extends SessionFieldsView {
  @ApiProperty({ description: 'Items in its context window (read them with GET /sessions/{id}).' })
  contextItems!: number;
}

export class SessionListView {
  @ApiProperty({ type: [SessionSummaryView] }) items!: SessionSummaryView[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass back as cursor for the next page.',
  })
  nextCursor!: string | null;
}

export class ListSessionsQuery {
  @QueryLimit(100, 20)
  limit: number = 20;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  cursor?: string;
}

export class SessionContextView {
  @ApiProperty({
    type: SessionSummaryView,
    description: 'The session without its context window, which is `context` beside it.',
  })
  session!: SessionSummaryView;
  @ApiProperty({ type: [ContextItemView] }) context!: ContextItemView[];
  @ApiProperty({
    type: [ScoredMemoryView],
    description:
      'With a query: the closest memories (with score). Without: the memories stored in this session.',
  })
  memories!: Array<MemoryView | ScoredMemoryView>;
}
