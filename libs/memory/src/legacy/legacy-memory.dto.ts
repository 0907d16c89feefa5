import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
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

  @ApiPropertyOptional({ minimum: 1, maximum: MemoryLimits.searchLimitMax, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MemoryLimits.searchLimitMax)
  limit: number = 10;
}
