import { InvalidRequest } from '@memory-system/core';

/** One message as OpenAI's API takes it: content a string, a list of parts, or null. */
export interface ChatRequestMessage {
  role: string;
  content?: unknown;
  [field: string]: unknown;
}

/** The caller's request body: every field is passed on; only these few are read. */
export interface ChatRequest {
  body: Record<string, unknown> & { messages: ChatRequestMessage[] };
  stream: boolean;
}

const SYSTEM_ROLES = new Set(['system', 'developer']);

/** Checks just what the proxy relies on; everything else is the model's to judge. */
export function readChatRequest(body: unknown): ChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequest('The request body must be a JSON object (a chat completion request).');
  }
  const request = body as Record<string, unknown>;
  if (typeof request.model !== 'string' || request.model.length === 0) {
    throw new InvalidRequest('model: give the model to ask, as a string (see GET /v1/models).');
  }
  const messages = request.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new InvalidRequest('messages: give a non-empty list of messages.');
  }
  const bad = messages.findIndex(
    (m) =>
      typeof m !== 'object' ||
      m === null ||
      Array.isArray(m) ||
      typeof (m as { role?: unknown }).role !== 'string',
  );
  if (bad >= 0) {
    throw new InvalidRequest(`messages[${bad}]: each message must be an object with a role.`);
  }
  if (request.stream !== undefined && typeof request.stream !== 'boolean') {
    throw new InvalidRequest('stream: must be true or false.');
  }
  return {
    body: request as ChatRequest['body'],
    stream: request.stream === true,
  };
}

/** A message's text: its string content, or its text parts joined (images and audio left out). */
export function textOf(message: ChatRequestMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: { type?: unknown; text?: unknown }) =>
      part?.type === 'text' && typeof part.text === 'string' ? part.text : '',
    )
    .filter(Boolean)
    .join('\n');
}

/**
 * The caller's messages with one system message added after their own leading system (and
 * developer) messages; the caller's messages themselves are not touched and keep their order.
 */
export function withMemoryMessage(
  messages: ChatRequestMessage[],
  content: string,
): ChatRequestMessage[] {
  let at = 0;
  while (at < messages.length && SYSTEM_ROLES.has(messages[at]!.role)) at++;
  return [...messages.slice(0, at), { role: 'system', content }, ...messages.slice(at)];
}
