import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsUUID,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MEMORY_STATUSES, type MemoryMetadata, type MemoryStatus } from '../domain/memory.js';
import { CreateMemoryDto } from '../dto/create-memory.dto.js';
import { MemoryFields } from '../dto/memory-fields.js';

const EVENTS = ['updated', 'deleted', 'restored', 'superseded', 'retracted', 'expired'] as const;
/** Most versions one memory brings along. */
export const EXPORT_HISTORY_MAX = 1_000;

export const EXPORT_FORMAT = 'memory-system-memories';
/** 2: lifecycle fields and history (a version 1 file still imports). */
export const EXPORT_VERSION = 2;

/** The first line of an export: what the file is, and which space its vectors are in. */
export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: number;
  exportedAt: string;
  embeddingModel: string;
  dimension: number;
  embeddings: boolean;
}

class ExportedChangeBy {
  @IsIn(['jwt', 'api-key', 'system']) via!: 'jwt' | 'api-key' | 'system';
  @IsIn(['request', 'extraction', 'expiry']) cause!: 'request' | 'extraction' | 'expiry';
}

/** One earlier version of a memory, as history keeps it (see MemoryVersion). */
export class ExportedVersion {
  @IsInt()
  @Min(1)
  version!: number;
  @MemoryFields.content() content!: string;
  @MemoryFields.type() type!: string;
  @MemoryFields.tags() tags!: string[];
  @MemoryFields.metadata() metadata!: MemoryMetadata;
  @IsIn(MEMORY_STATUSES) status!: MemoryStatus;
  @ValidateIf((_, value) => value !== null)
  @IsUUID('all')
  supersededBy!: string | null;
  @ValidateIf((_, value) => value !== null)
  @IsISO8601({ strict: true })
  expiresAt!: string | null;
  @IsBoolean() pinned!: boolean;
  @MemoryFields.conversationId(true) conversationId?: string | null;
  @MemoryFields.occurredAt() occurredAt?: string;
  @IsISO8601({ strict: true }) createdAt!: string;
  @IsISO8601({ strict: true }) validFrom!: string;
  @IsISO8601({ strict: true }) replacedAt!: string;
  @IsIn(EVENTS) event!: (typeof EVENTS)[number];
  @IsObject()
  @ValidateNested()
  @Type(() => ExportedChangeBy)
  by!: ExportedChangeBy;
  /** A version imported before: taken, but replaced by this import's own mark. */
  @IsOptional()
  @IsObject()
  imported?: object;
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

  @IsOptional()
  @IsIn(MEMORY_STATUSES, { message: `status must be one of ${MEMORY_STATUSES.join(', ')}` })
  status?: MemoryStatus;

  @IsOptional()
  @IsUUID('all', { message: 'supersededBy must be a UUID' })
  supersededBy?: string;

  @ApiPropertyOptional({ type: [ExportedVersion], description: 'earlier versions, oldest first' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(EXPORT_HISTORY_MAX)
  @ValidateNested({ each: true })
  @Type(() => ExportedVersion)
  history?: ExportedVersion[];
}
