import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `?limit=` on a list or search: a whole number from 1 to `max` (query strings arrive as text). */
export const QueryLimit = (max: number, defaultValue: number) =>
  applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: max, default: defaultValue }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(max),
  );
