import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MemoryLimits } from '../domain/memory-limits.js';
import { CreateMemoryDto } from './create-memory.dto.js';
import { MemoryView } from './memory.views.js';

export const INSIGHT_SOURCES_MAX = 20;

export class InsightsRequestDto {
  @ApiPropertyOptional({
    description: 'Draw insights from the memories closest to this (or give memoryIds).',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MemoryLimits.queryMaxChars)
  query?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: INSIGHT_SOURCES_MAX })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(INSIGHT_SOURCES_MAX)
  @IsUUID('all', { each: true, message: 'each memoryId must be a UUID' })
  memoryIds?: string[];

  @ApiPropertyOptional({
    minimum: 1,
    maximum: INSIGHT_SOURCES_MAX,
    default: 5,
    description: 'Memories to use with a query.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(INSIGHT_SOURCES_MAX)
  limit: number = 5;
}

export class InsightView {
  @ApiProperty() insight!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ type: [String], description: 'The memories the insight was drawn from' })
  sourceIds!: string[];
}

export class CreateMemoryRequestDto extends CreateMemoryDto {
  @ApiPropertyOptional({
    description:
      'Also ask the LLM for an insight over related memories and store it as a memory of type insight.',
  })
  @IsOptional()
  @IsBoolean()
  withInsights?: boolean;
}

export class InsightOutcomeView {
  @ApiProperty({ enum: ['created', 'missing'] }) status!: 'created' | 'missing';
  @ApiPropertyOptional({ type: MemoryView }) memory?: MemoryView;
  @ApiPropertyOptional({ type: [String] }) sourceIds?: string[];
  @ApiPropertyOptional({
    description: 'Why there is no insight (the memory is stored all the same).',
  })
  reason?: string;
}

export class MemoryWithInsightView extends MemoryView {
  @ApiPropertyOptional({
    type: InsightOutcomeView,
    description: 'Present when withInsights was true.',
  })
  insight?: InsightOutcomeView;
}
