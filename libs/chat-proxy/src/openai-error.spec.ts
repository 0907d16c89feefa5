import { openAiError, upstreamError } from './openai-error.js';

describe('openAiError', () => {
  it("gives OpenAI's type and code for each status", () => {
    expect(openAiError(401, 'no').error).toEqual({
      message: 'no',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    });
    expect(openAiError(429, 'slow').error).toMatchObject({
      type: 'requests',
      code: 'rate_limit_exceeded',
    });
    expect(openAiError(504, 'x').error).toMatchObject({ type: 'server_error' });
  });
});

describe('upstreamError', () => {
  it("keeps the model server's own OpenAI-shaped error", () => {
    const text = JSON.stringify({
      error: {
        message: 'The model `x` does not exist.',
        type: 'NotFoundError',
        param: 'model',
        code: 404,
      },
    });
    expect(upstreamError(404, text)).toEqual({
      error: {
        message: 'The model `x` does not exist.',
        type: 'NotFoundError',
        param: 'model',
        code: '404',
      },
    });
  });

  it('wraps what other servers answer', () => {
    expect(upstreamError(404, '{"detail": "Not Found"}').error.message).toMatch(
      /HTTP 404: Not Found/,
    );
    expect(upstreamError(500, 'oops').error).toMatchObject({
      message: 'The language model answered HTTP 500: oops',
      type: 'server_error',
    });
  });
});
