import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsISO8601, IsNumber, IsOptional, IsUUID } from 'class-validator';
import { CreateMemoryDto } from '../dto/create-memory.dto.js';

export const EXPORT_FORMAT = 'memory-system-memories';
export const EXPORT_VERSION = 1;

/** The first line of an export: what the file is, and which space its vectors are in. */
export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: number;
  exportedAt: string;
  embeddingModel: string;
  dimension: number;
  embeddings: boolean;
}

/** Every further line: one memory, in the fields an import takes back. */
export class ExportedMemoryLine extends CreateMemoryDto {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;

  @IsISO8601({ strict: true }, { message: 'createdAt must be an ISO 8601 date-time' })
  createdAt!: string;

  @IsISO8601({ strict: true }, { message: 'updatedAt must be an ISO 8601 date-time' })
  updatedAt!: string;

  @ApiPropertyOptional({ type: [Number] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16_384)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  embedding?: number[];
}
