import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDate,
  IsInt,
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
import type { MemoryMetadata } from '../domain/memory.js';
import { MemoryLimits } from '../domain/memory-limits.js';
import { MemoryFields } from './memory-fields.js';

export class MemoryFilterDto {
  @MemoryFields.type(false) type?: string;
  @MemoryFields.tags() tags?: string[];
  @MemoryFields.metadata() metadata?: MemoryMetadata;
  @MemoryFields.sessionId() sessionId?: string;

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
}
