import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import type { FastifyReply } from 'fastify';
import { type Caller, CurrentCaller, RequireScopes } from '@memory-system/core';
import { MemoryFields } from '../dto/memory-fields.js';
import { ACTIONS } from './extraction-answers.js';
import { type ExtractionReceipt, ExtractionService } from './extraction.service.js';

const ROLES = ['user', 'assistant', 'system'] as const;
export const EXTRACT_MESSAGES_MAX = 200;
const MESSAGE_MAX_CHARS = 16_384;

export class ConversationMessageDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role!: (typeof ROLES)[number];

  @ApiProperty({ maxLength: MESSAGE_MAX_CHARS, example: 'I moved to Lisbon last month.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MESSAGE_MAX_CHARS)
  content!: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When it was said (resolves "last month").',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 date-time' })
  at?: string;
}

export class ExtractMemoriesDto {
  @ApiProperty({ type: [ConversationMessageDto], maxItems: EXTRACT_MESSAGES_MAX })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EXTRACT_MESSAGES_MAX)
  @ValidateNested({ each: true })
  @Type(() => ConversationMessageDto)
  messages!: ConversationMessageDto[];

  @MemoryFields.sessionId() sessionId?: string;

  /** Learned memories are stored in this conversation, occurring at the last message's `at`. */
  @MemoryFields.conversationId() conversationId?: string;

  @ApiPropertyOptional({ default: false, description: 'Return the plan and write nothing.' })
  @IsOptional()
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun?: boolean;
}

class TokenUsageView {
  @ApiProperty() promptTokens!: number;
  @ApiProperty() completionTokens!: number;
}

class ExtractionUsageView {
  @ApiProperty({ type: TokenUsageView }) extract!: TokenUsageView;
  @ApiProperty({ type: TokenUsageView }) decide!: TokenUsageView;
  @ApiProperty({ type: TokenUsageView }) total!: TokenUsageView;
}

class DecisionView {
  @ApiProperty({ description: '{ content, type } of the candidate fact' })
  fact!: { content: string; type: string };
  @ApiProperty({ enum: ACTIONS.map((a) => a.toLowerCase()) }) action!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'the memory stored (add, supersede) or changed (update, delete)',
  })
  memoryId!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'the existing memory acted on (update, supersede, delete)',
  })
  targetId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "update: the memory's new text" })
  content!: string | null;
  @ApiPropertyOptional({ description: 'why the service changed the decision' }) note?: string;
}

class ExtractionReceiptView {
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ nullable: true, type: String }) model!: string | null;
  @ApiProperty({
    description: 'chat calls made (2, or 1 with no facts; +1 per answer asked again)',
  })
  chatCalls!: number;
  @ApiProperty({ type: ExtractionUsageView }) usage!: ExtractionUsageView;
  @ApiProperty({ type: [DecisionView] }) decisions!: DecisionView[];
}

@ApiTags('memories')
@Controller({ path: 'memories', version: '1' })
export class ExtractionController {
  constructor(private readonly extraction: ExtractionService) {}

  @RequireScopes('memories:write')
  @Post('extract')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Learn facts from a conversation: add new ones, refine, supersede or retract what they ' +
      'contradict (two chat calls; dryRun returns the plan and writes nothing)',
  })
  @ApiOkResponse({ type: ExtractionReceiptView })
  extract(
    @CurrentCaller() caller: Caller,
    @Body() body: ExtractMemoriesDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ExtractionReceipt> {
    return this.extraction.extract(caller, { ...body, signal: untilClientLeaves(reply) });
  }
}

/** Aborts when the connection closes before the answer was sent (the client gave up). */
function untilClientLeaves(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
