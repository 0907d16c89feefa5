import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { MemoryLimits } from '../domain/memory-limits.js';
import { CreateMemoryDto } from './create-memory.dto.js';

export class BatchCreateMemoriesDto {
  @ApiProperty({ type: [CreateMemoryDto], minItems: 1, maxItems: MemoryLimits.batchMax })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MemoryLimits.batchMax)
  @ValidateNested({ each: true })
  @Type(() => CreateMemoryDto)
  items!: CreateMemoryDto[];
}
