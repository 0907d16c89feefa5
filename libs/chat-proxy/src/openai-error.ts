import type { ErrorSummary, ErrorWriter } from '@memory-system/core';

/** OpenAI's error body: what its SDKs read into their exceptions' message, type and code. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** The type and code OpenAI's API gives each status (its SDKs pick the exception by status). */
const KINDS: Record<number, { type: string; code: string }> = {
  400: { type: 'invalid_request_error', code: 'invalid_request' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'insufficient_permissions' },
  404: { type: 'invalid_request_error', code: 'not_found' },
  405: { type: 'invalid_request_error', code: 'method_not_supported' },
  409: { type: 'invalid_request_error', code: 'conflict' },
  413: { type: 'invalid_request_error', code: 'request_too_large' },
  422: { type: 'invalid_request_error', code: 'unprocessable_entity' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
  502: { type: 'server_error', code: 'bad_gateway' },
  503: { type: 'server_error', code: 'service_unavailable' },
};

export function openAiError(status: number, message: string): OpenAiErrorBody {
  const kind = KINDS[status] ?? {
    type: status >= 500 ? 'server_error' : 'invalid_request_error',
    code: status >= 500 ? 'server_error' : 'invalid_request',
  };
  return { error: { message, type: kind.type, param: null, code: kind.code } };
}

/** The global error filter's writer for /v1: any error there leaves in OpenAI's shape. */
export function openAiErrorWriter(onWritten: (error: ErrorSummary) => void): ErrorWriter {
  return (error, request, reply) => {
    onWritten(error);
    const message = error.status === 500 ? 'An unexpected error occurred.' : error.detail;
    if (error.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="memory-system"');
    reply
      .status(error.status)
      .type('application/json')
      .send(JSON.stringify(openAiError(error.status, `${message} (request ${request.id})`)));
  };
}

/**
 * The chat server's own error answer, in OpenAI's shape: passed on as it is when it already is
 * (vLLM, OpenAI), else its message wrapped (older servers answer `{"message"}` or `{"detail"}`).
 */
export function upstreamError(status: number, text: string): OpenAiErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const error = (parsed as { error?: Partial<OpenAiErrorBody['error']> } | undefined)?.error;
  if (error && typeof error === 'object' && typeof error.message === 'string') {
    const shaped = openAiError(status, error.message);
    return {
      error: {
        message: error.message,
        type: typeof error.type === 'string' ? error.type : shaped.error.type,
        param: typeof error.param === 'string' ? error.param : null,
        code:
          error.code === undefined || error.code === null ? shaped.error.code : String(error.code),
      },
    };
  }
  const record = (parsed ?? {}) as { message?: unknown; detail?: unknown };
  const message =
    typeof record.message === 'string'
      ? record.message
      : typeof record.detail === 'string'
        ? record.detail
        : text.slice(0, 500) || `HTTP ${status}`;
  return openAiError(status, `The language model answered HTTP ${status}: ${message}`);
}
