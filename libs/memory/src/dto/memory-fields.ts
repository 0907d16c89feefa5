import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsISO8601,
  Max,
  Min,
  ValidateIf,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { MemoryLimits } from '../domain/memory-limits.js';
import { IsFlatMetadata } from './flat-metadata.validator.js';
import { IsLaterThan, IsReadableInstant } from './occurred-window.validator.js';

/** The field rules shared by create, update, filter and the seed routes, written once. */
export const MemoryFields = {
  content: (required = true) =>
    applyDecorators(
      (required ? ApiProperty : ApiPropertyOptional)({
        description: 'The text to remember.',
        maxLength: MemoryLimits.contentMaxChars,
        example: 'The user prefers dark roast coffee.',
      }),
      ...(required ? [] : [IsOptional()]),
      IsString(),
      IsNotEmpty(),
      MaxLength(MemoryLimits.contentMaxChars),
      Matches(/\S/, { message: 'content must not be only white space' }),
    ),
  type: (required = true) =>
    applyDecorators(
      (required ? ApiProperty : ApiPropertyOptional)({
        description: 'A kind of memory, e.g. text, fact, preference, insight.',
        pattern: MemoryLimits.typePattern.source,
        example: 'preference',
      }),
      ...(required ? [] : [IsOptional()]),
      IsString(),
      Matches(MemoryLimits.typePattern, {
        message: 'type must start with a letter and be at most 64 letters, digits, _ or -',
      }),
    ),
  metadata: () =>
    applyDecorators(
      ApiPropertyOptional({
        description: `Flat key/value pairs (string, number, boolean); at most ${MemoryLimits.metadataMaxKeys} keys.`,
        type: 'object',
        additionalProperties: {
          oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
        },
        example: { source: 'chat', confidence: 0.9 },
      }),
      IsOptional(),
      IsFlatMetadata(),
    ),
  tags: () =>
    applyDecorators(
      ApiPropertyOptional({
        type: [String],
        maxItems: MemoryLimits.tagsMax,
        description: 'Labels; 1-64 letters, digits, spaces or _ . : -',
        example: ['coffee', 'preferences'],
      }),
      IsOptional(),
      IsArray(),
      ArrayMaxSize(MemoryLimits.tagsMax),
      IsString({ each: true }),
      Matches(MemoryLimits.tagPattern, {
        each: true,
        message:
          'each tag must be 1-64 letters, digits, spaces or _ . : - (no leading or trailing space)',
      }),
    ),
  /** `nullable`: an update may clear the expiry with null. */
  expiresAt: (nullable = false) =>
    applyDecorators(
      ApiPropertyOptional({
        format: 'date-time',
        nullable,
        type: String,
        description:
          'After this moment the memory is never returned, and the expiry sweep removes it ' +
          '(give this or ttl, not both)' +
          (nullable ? '; null: never expires' : ''),
      }),
      nullable ? ValidateIf((_, value) => value !== null) : IsOptional(),
      IsOptional(),
      IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time' }),
    ),
  ttl: () =>
    applyDecorators(
      ApiPropertyOptional({
        minimum: 1,
        maximum: MemoryLimits.ttlMaxSeconds,
        description: 'Seconds from now until the memory expires (instead of expiresAt).',
      }),
      IsOptional(),
      IsInt({ message: 'ttl must be a whole number of seconds' }),
      Min(1),
      Max(MemoryLimits.ttlMaxSeconds),
    ),
  pinned: () =>
    applyDecorators(
      ApiPropertyOptional({ description: 'A pinned memory never expires and never decays.' }),
      IsOptional(),
      IsBoolean({ message: 'pinned must be true or false' }),
    ),
  includeSuperseded: () =>
    applyDecorators(
      ApiPropertyOptional({
        default: false,
        description: 'Superseded and retracted memories too, marked by their status.',
      }),
      IsOptional(),
      IsBoolean({ message: 'includeSuperseded must be true or false' }),
    ),
  sessionId: () =>
    applyDecorators(
      ApiPropertyOptional({ format: 'uuid', description: 'The session this memory belongs to.' }),
      IsOptional(),
      IsUUID('all', { message: 'sessionId must be a UUID' }),
    ),
  /** `nullable`: an update may take a memory out of its conversation with null. */
  conversationId: (nullable = false) =>
    applyDecorators(
      ApiPropertyOptional({
        maxLength: MemoryLimits.conversationIdMaxChars,
        nullable,
        type: String,
        description:
          'The conversation (thread) this memory was said in, e.g. a chat id; its memories are ' +
          'ordered by occurredAt, and a message is found through its neighbours in it' +
          (nullable ? '; null: in no conversation' : ''),
        example: 'chat-2023-05-08',
      }),
      nullable ? ValidateIf((_, value) => value !== null) : IsOptional(),
      IsOptional(),
      IsString({ message: 'conversationId must be a string' }),
      IsNotEmpty({ message: 'conversationId must not be empty' }),
      MaxLength(MemoryLimits.conversationIdMaxChars, {
        message: `conversationId must be at most ${MemoryLimits.conversationIdMaxChars} characters`,
      }),
      Matches(/^\P{Cc}+$/u, {
        message: 'conversationId must not contain control characters',
      }),
    ),
  occurredAt: () =>
    applyDecorators(
      ApiPropertyOptional({
        format: 'date-time',
        type: String,
        description:
          'When it was said or happened (ISO 8601); default: when it is stored. Dates in a ' +
          'query ("in May", "last week") favour memories that occurred then.',
        example: '2023-05-08T13:56:00Z',
      }),
      IsOptional(),
      IsISO8601({ strict: true }, { message: 'occurredAt must be an ISO 8601 date-time' }),
    ),
  /** The start of an occurredAt window (inclusive), for filters. */
  occurredAfter: () =>
    applyDecorators(
      ApiPropertyOptional({
        format: 'date-time',
        type: String,
        description:
          'Only memories that occurred at or after this moment (inclusive; ISO 8601), by their ' +
          'occurredAt (createdAt when none was given).',
        example: '2023-05-01T00:00:00Z',
      }),
      IsOptional(),
      IsISO8601({ strict: true }, { message: 'occurredAfter must be an ISO 8601 date-time' }),
      IsReadableInstant(),
    ),
  /** The end of an occurredAt window (exclusive), for filters. */
  occurredBefore: () =>
    applyDecorators(
      ApiPropertyOptional({
        format: 'date-time',
        type: String,
        description:
          'Only memories that occurred before this moment (exclusive; ISO 8601), by their ' +
          'occurredAt (createdAt when none was given); later than occurredAfter when both are ' +
          'given, so that windows such as May (2023-05-01 to 2023-06-01) tile.',
        example: '2023-06-01T00:00:00Z',
      }),
      IsOptional(),
      IsISO8601({ strict: true }, { message: 'occurredBefore must be an ISO 8601 date-time' }),
      IsReadableInstant(),
      IsLaterThan('occurredAfter'),
    ),
};
