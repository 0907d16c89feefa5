import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MemoryLimits } from '../domain/memory-limits.js';
import { MemoryFields } from '../dto/memory-fields.js';
import { ConversationMessageDto } from '../extraction/extraction.controller.js';
import { CONTEXT_BUDGET_DEFAULT, CONTEXT_BUDGET_MAX } from './context-builder.js';

/** Only the newest few are read; the cap keeps validation itself cheap. */
export const CONTEXT_MESSAGES_MAX = 10_000;
const TYPES_MAX = 10;

export class ContextRequestDto {
  @ApiPropertyOptional({
    maxLength: MemoryLimits.queryMaxChars,
    description: 'What to find memories for (give this or messages, not both).',
    example: 'what should I cook for the user tonight?',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MemoryLimits.queryMaxChars)
  @Matches(/\S/, { message: 'query must not be only white space' })
  query?: string;

  @ApiPropertyOptional({
    type: [ConversationMessageDto],
    maxItems: CONTEXT_MESSAGES_MAX,
    description:
      'The conversation, oldest first (give this or query): memories are found from the latest ' +
      'user turn and the few turns before it.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CONTEXT_MESSAGES_MAX)
  @ValidateNested({ each: true })
  @Type(() => ConversationMessageDto)
  messages?: ConversationMessageDto[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: "Also the session's recent conversation (needs the sessions scope).",
  })
  @MemoryFields.sessionId()
  sessionId?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: CONTEXT_BUDGET_MAX,
    default: CONTEXT_BUDGET_DEFAULT,
    description: 'The most tokens `text` may take.',
  })
  @IsOptional()
  @IsInt({ message: 'tokenBudget must be a whole number of tokens' })
  @Min(1)
  @Max(CONTEXT_BUDGET_MAX)
  tokenBudget: number = CONTEXT_BUDGET_DEFAULT;

  @ApiPropertyOptional({
    type: [String],
    maxItems: TYPES_MAX,
    description: 'Only memories of these types (any of them).',
    example: ['preference', 'fact'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(TYPES_MAX)
  @Matches(MemoryLimits.typePattern, {
    each: true,
    message: 'each type must start with a letter and be at most 64 letters, digits, _ or -',
  })
  types?: string[];

  @MemoryFields.tags() tags?: string[];
  @MemoryFields.occurredAfter() occurredAfter?: string;
  @MemoryFields.occurredBefore() occurredBefore?: string;
}

export class ContextMemoryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() content!: string;
  @ApiProperty({ description: 'the search score it ranked by, higher is better' }) score!: number;
  @ApiProperty({ description: 'what its line in text costs, in tokens' }) tokens!: number;
}

export class ContextView {
  @ApiProperty({
    description:
      'Prompt text: when a session was named, a heading and its recent turns "<role>: <content>", ' +
      'oldest first, and a blank line; then a heading and one line per memory "- [<id>] <content>", ' +
      'most relevant first. Empty when nothing fits.',
  })
  text!: string;
  @ApiProperty({ description: 'tokens of text: never more than budget' }) tokens!: number;
  @ApiProperty({ description: 'the token budget used' }) budget!: number;
  @ApiProperty({ description: 'the tokenizer that counted', example: 'gpt-tokenizer o200k_base' })
  tokenizer!: string;
  @ApiProperty({ type: [ContextMemoryView], description: 'the memories in text, in its order' })
  memories!: ContextMemoryView[];
  @ApiProperty({ description: "how many of the session's recent turns are in text" })
  sessionTurns!: number;
}
