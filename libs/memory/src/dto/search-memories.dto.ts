import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { MemoryMetadata, SearchMode } from '../domain/memory.js';

const SEARCH_MODES: SearchMode[] = ['hybrid', 'vector', 'keyword'];
import { MemoryLimits } from '../domain/memory-limits.js';
import { MemoryFields } from './memory-fields.js';

export class MemoryFilterDto {
  @MemoryFields.type(false) type?: string;
  @MemoryFields.tags() tags?: string[];
  @MemoryFields.metadata() metadata?: MemoryMetadata;
  @MemoryFields.sessionId() sessionId?: string;
  @MemoryFields.conversationId() conversationId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only memories created after this.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'createdAfter must be an ISO 8601 date' })
  createdAfter?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only memories created before this.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'createdBefore must be an ISO 8601 date' })
  createdBefore?: Date;

  @MemoryFields.occurredAfter() occurredAfter?: string;
  @MemoryFields.occurredBefore() occurredBefore?: string;
}

export class SearchMemoriesDto {
  @ApiProperty({
    maxLength: MemoryLimits.queryMaxChars,
    example: 'what coffee does the user like?',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MemoryLimits.queryMaxChars)
  @Matches(/\S/, { message: 'query must not be only white space' })
  query!: string;

  @ApiPropertyOptional({
    enum: SEARCH_MODES,
    description:
      'hybrid: BM25 keyword score and vector similarity combined (the default unless ' +
      'SEARCH_DEFAULT_MODE says otherwise); vector: similarity only; keyword: BM25 only',
  })
  @IsOptional()
  @IsIn(SEARCH_MODES, { message: `mode must be one of ${SEARCH_MODES.join(', ')}` })
  mode?: SearchMode;

  @ApiPropertyOptional({
    default: true,
    description: 'false skips the reranker for this search (only matters when one is configured)',
  })
  @IsOptional()
  @IsBoolean({ message: 'rerank must be true or false' })
  rerank?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: MemoryLimits.searchLimitMax, default: 10 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MemoryLimits.searchLimitMax)
  limit: number = 10;

  @ApiPropertyOptional({ type: MemoryFilterDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MemoryFilterDto)
  filter?: MemoryFilterDto;

  @ApiPropertyOptional({ minimum: -1, maximum: 1, description: 'Drop results scoring below this.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-1)
  @Max(1)
  minScore?: number;

  @MemoryFields.includeSuperseded() includeSuperseded?: boolean;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 36_500,
    description:
      'Recency weight: scores halve every this many days since a memory last changed (pinned ' +
      'memories excepted); 0 turns it off. Default: SEARCH_HALF_LIFE_DAYS (0, off).',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(36_500)
  halfLifeDays?: number;

  @ApiPropertyOptional({
    format: 'date-time',
    type: String,
    description:
      '"Now" for the question: dates in the query ("in May", "last month", "two weeks ago") ' +
      'are read against it and favour memories that occurred then (occurredAt), and a weak ' +
      'recency prior counts back from it. Default: the current time.',
    example: '2023-09-20T18:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'referenceDate must be an ISO 8601 date-time' })
  referenceDate?: string;
}
