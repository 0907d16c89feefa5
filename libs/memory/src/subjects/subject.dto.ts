import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { QueryLimit } from '@memory-system/core';

export class SubjectView {
  @ApiProperty({ description: 'The subject id, as sent in X-Memory-Subject.' }) id!: string;
  @ApiProperty({ description: 'How many memories the subject holds now.' }) memories!: number;
  @ApiProperty({
    format: 'date-time',
    description: 'When a request last acted for the subject (to within 30 seconds).',
  })
  lastActivityAt!: string;
}

export class SubjectListView {
  @ApiProperty({ type: [SubjectView] }) items!: SubjectView[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass back as cursor for the next page.',
  })
  nextCursor!: string | null;
}

export class ListSubjectsQuery {
  @QueryLimit(100, 20)
  limit: number = 20;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  cursor?: string;
}
