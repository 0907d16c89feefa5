import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  assertScope,
  type Caller,
  CurrentCaller,
  InvalidRequest,
  RequireScopes,
} from '@memory-system/core';
import { type BuiltContext, ContextBuilder } from './context-builder.js';
import { ContextRequestDto, ContextView } from './context.dto.js';

@ApiTags('memories')
@Controller({ path: 'context', version: '1' })
export class ContextController {
  constructor(private readonly contexts: ContextBuilder) {}

  @RequireScopes('memories:read')
  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Prompt-ready text of the most useful memories for a query or conversation (and a ' +
      "session's recent turns when named), fitted to a token budget",
  })
  @ApiOkResponse({ type: ContextView })
  build(@CurrentCaller() caller: Caller, @Body() body: ContextRequestDto): Promise<BuiltContext> {
    return this.contexts.build(caller, checkedContextRequest(caller, body));
  }
}

/** Exactly one of query and messages; a session only with the sessions scope. */
export function checkedContextRequest(caller: Caller, body: ContextRequestDto): ContextRequestDto {
  if ((body.query === undefined) === (body.messages === undefined)) {
    throw new InvalidRequest('Give either query or messages, not both and not neither.', [
      { field: 'query', messages: ['give either query or messages'] },
    ]);
  }
  if (body.sessionId) assertScope(caller, 'sessions');
  return body;
}
