import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MemoryLimits } from '../domain/memory-limits.js';
import { MemoryFields } from './memory-fields.js';

export class ListMemoriesQuery {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: MemoryLimits.listLimitMax,
    default: MemoryLimits.listLimitDefault,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MemoryLimits.listLimitMax)
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
}
