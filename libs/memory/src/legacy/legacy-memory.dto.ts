import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { QueryLimit } from '@memory-system/core';
import { CreateMemoryDto } from '../dto/create-memory.dto.js';
import { MemoryLimits } from '../domain/memory-limits.js';

/**
 * The seed document's web clients send `userId` in the body. It is accepted for compatibility
 * and ignored: the caller always comes from the request's authentication.
 */
export class LegacyCreateMemoryDto extends CreateMemoryDto {
  @ApiPropertyOptional({
    description: 'Ignored; the caller identity decides the owner.',
    deprecated: true,
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  userId?: string;
}

export class LegacySearchQuery {
  @ApiPropertyOptional({ description: 'Text to search for (required).' })
  @IsString()
  @IsNotEmpty({ message: 'query parameter is required' })
  @MaxLength(MemoryLimits.queryMaxChars)
  query!: string;

  @QueryLimit(MemoryLimits.searchLimitMax, 10)
  limit: number = 10;
}
