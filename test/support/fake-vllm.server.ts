import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small server that answers like vLLM's OpenAI-compatible API (`/v1/models`, `/v1/embeddings`,
 * `/v1/chat/completions`, `/v1/rerank`),
 * errors included (`{"error": {"message", "type", "param", "code"}}`), with deterministic vectors:
 * each word adds a fixed pseudo-random direction, so texts that share words are close.
 * Faults can be switched on to prove the client's behaviour when vLLM misbehaves.
 */
export type Fault =
  | { kind: 'status'; status: number; times?: number; retryAfter?: number }
  | { kind: 'slow'; delayMs: number; times?: number }
  | { kind: 'wrong-dimension'; dimension: number; times?: number }
  | { kind: 'drop-connection'; times?: number }
  /** Every number of each vector is `value` (3e38: finite as float32, its length is not). */
  | { kind: 'huge-values'; value: number; times?: number };

export type ChatAnswer =
  string | object | ((messages: Array<{ role: string; content: string }>) => string | object);

export interface FakeVllmOptions {
  model?: string;
  dimension?: number;
  apiKey?: string;
  /** The longest prompt it takes, in characters (default 20,000), as a model's context length. */
  maxInputChars?: number;
  /**
   * vLLM's --runner: a server registers only the routes its model serves, so a `generate` (chat)
   * model's server answers /v1/embeddings with FastAPI's 404, and a `pooling` (embedding) one
   * answers /v1/chat/completions so. Default: both, for tests that need one server.
   */
  runner?: 'generate' | 'pooling';
}

const ERROR_TYPES: Record<number, string> = {
  400: 'BadRequestError',
  401: 'Unauthorized',
  404: 'NotFoundError',
  422: 'UnprocessableEntityError',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

export class FakeVllmServer {
  readonly model: string;
  readonly dimension: number;
  /** Every request received, for assertions on batching and headers. */
  readonly requests: Array<{
    method: string;
    path: string;
    body: unknown;
    authorization?: string;
  }> = [];
  /** The messages of every chat request, for assertions on prompts. */
  readonly chatPrompts: Array<Array<{ role: string; content: string }>> = [];
  /**
   * Answers for the next chat calls that ask for JSON (`response_format`), in order: a text, or a
   * function of the request's messages (to answer from what the prompt shows).
   */
  private readonly chatScript: ChatAnswer[] = [];
  /** Chat streams whose client went away before the stream ended (the upstream saw the abort). */
  streamsCancelled = 0;
  /** While set, a streamed answer sends its first chunk and holds back the rest until released. */
  private streamGate?: Promise<void>;
  private faults: Fault[] = [];
  private server?: Server;
  private readonly maxInputChars: number;

  constructor(private readonly options: FakeVllmOptions = {}) {
    this.model = options.model ?? 'BAAI/bge-small-en-v1.5';
    this.dimension = options.dimension ?? 256;
    this.maxInputChars = options.maxInputChars ?? 20_000;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('FakeVllmServer is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Queues a fault for the next request(s) (`times`, default 1; Infinity until cleared). */
  fail(fault: Fault): void {
    this.faults.push(fault);
  }

  /** Queues answers for the next JSON chat calls (objects are sent as their JSON text). */
  scriptChat(...answers: ChatAnswer[]): void {
    this.chatScript.push(...answers);
  }

  /** How many scripted answers are still waiting. */
  get scriptedLeft(): number {
    return this.chatScript.length;
  }

  /**
   * From now on, streamed answers send their first chunk and then wait; the function returned
   * lets every waiting (and later) stream go on.
   */
  holdBackStreams(): () => void {
    let release!: () => void;
    this.streamGate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.streamGate = undefined;
      release();
    };
  }

  clearFaults(): void {
    this.faults = [];
  }

  embedOne(text: string, dimension = this.dimension): number[] {
    const vector = new Array<number>(dimension).fill(0);
    for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
      const digest = createHash('sha256').update(word).digest();
      for (let i = 0; i < dimension; i++)
        vector[i]! += ((digest[i % digest.length]! - 127.5) / 127.5) * (i % 3 === 0 ? 1 : -1);
    }
    const norm = Math.hypot(...vector) || 1;
    return vector.map((v) => v / norm);
  }

  private takeFault(): Fault | undefined {
    const fault = this.faults[0];
    if (!fault) return undefined;
    const left = (fault.times ?? 1) - 1;
    if (left <= 0) this.faults.shift();
    else fault.times = left;
    return fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const path = (req.url ?? '/').split('?')[0]!;
    this.requests.push({
      method: req.method ?? 'GET',
      path,
      body,
      authorization: req.headers.authorization,
    });

    if (this.options.apiKey && req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      return sendError(res, 401, 'Unauthorized');
    }
    const fault = this.takeFault();
    if (fault?.kind === 'drop-connection') return void req.socket.destroy();
    if (fault?.kind === 'status') {
      if (fault.retryAfter !== undefined) res.setHeader('Retry-After', String(fault.retryAfter));
      return sendError(res, fault.status, `Injected failure ${fault.status}`);
    }
    if (fault?.kind === 'slow') {
      const closed = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), fault.delayMs);
        res.once('close', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      // vLLM aborts a request whose client has gone; going on would take a scripted answer
      // meant for a later call.
      if (closed) return;
    }

    if (req.method === 'GET' && path === '/v1/models') return this.models(res);
    const runner = this.options.runner;
    if (
      (runner === 'generate' && path === '/v1/embeddings') ||
      (runner === 'pooling' && path === '/v1/chat/completions')
    ) {
      return send(res, 404, { detail: 'Not Found' });
    }
    if (req.method === 'POST' && path === '/v1/embeddings') {
      const dimension = fault?.kind === 'wrong-dimension' ? fault.dimension : this.dimension;
      const fill = fault?.kind === 'huge-values' ? fault.value : undefined;
      return this.embeddings(body, res, dimension, fill);
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') return this.chat(body, res);
    if (req.method === 'POST' && (path === '/v1/rerank' || path === '/rerank')) {
      return this.rerank(body, res);
    }
    if (req.method === 'GET' && path === '/health') return send(res, 200, {});
    return send(res, 404, { detail: 'Not Found' });
  }

  private models(res: ServerResponse): void {
    send(res, 200, {
      object: 'list',
      data: [
        {
          id: this.model,
          object: 'model',
          created: 1_700_000_000,
          owned_by: 'vllm',
          root: this.model,
          parent: null,
          max_model_len: 512,
          permission: [],
        },
      ],
    });
  }

  /**
   * A deterministic "cross-encoder" in vLLM's rerank shape (Jina/Cohere): a document scores by
   * the share of the query's longer words it contains, and the shorter document wins a tie.
   * Results come best first, cut to `top_n`, with the document text, as vLLM answers.
   */
  /** vLLM's answer for a model it does not serve. */
  private unknownModel(res: ServerResponse, model: unknown): void {
    sendError(res, 404, `The model \`${String(model)}\` does not exist.`, 'model');
  }

  private rerank(body: unknown, res: ServerResponse): void {
    const request = body as {
      model?: unknown;
      query?: unknown;
      documents?: unknown;
      top_n?: unknown;
    };
    if (request?.model !== this.model) return this.unknownModel(res, request?.model);
    if (typeof request.query !== 'string')
      return sendError(res, 400, 'query must be a string', 'query');
    if (!Array.isArray(request.documents) || request.documents.some((d) => typeof d !== 'string')) {
      return sendError(res, 400, 'documents must be a list of strings', 'documents');
    }
    const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]{4,}/gu) ?? [];
    const asked = new Set(words(request.query));
    const documents = request.documents as string[];
    const results = documents
      .map((text, index) => {
        const own = words(text);
        const shared = [...asked].filter((w) => own.includes(w)).length;
        const score = asked.size ? shared / asked.size - own.length / 10_000 : 0;
        return { index, document: { text }, relevance_score: score };
      })
      .sort((a, b) => b.relevance_score - a.relevance_score)
      .slice(0, typeof request.top_n === 'number' ? request.top_n : documents.length);
    send(res, 200, {
      id: `rerank-${Date.now()}`,
      model: this.model,
      usage: { total_tokens: documents.join(' ').length },
      results,
    });
  }

  /**
   * A deterministic "model": it answers with how many memories it was shown and the words they
   * share, so tests can check what reached it. Like vLLM, it refuses prompts over its context.
   */
  private chat(body: unknown, res: ServerResponse): void {
    const request = body as {
      model?: unknown;
      messages?: Array<{ role: string; content: string }>;
      max_tokens?: number;
      stream?: boolean;
      response_format?: { type?: string; json_schema?: { name?: unknown; schema?: unknown } };
    };
    if (request?.model !== this.model) return this.unknownModel(res, request?.model);
    if (!Array.isArray(request.messages) || request.messages.length === 0) {
      return sendError(res, 400, 'messages must be a non-empty list', 'messages');
    }
    const prompt = request.messages.map((m) => m.content).join('\n');
    if (prompt.length > this.maxInputChars) {
      return sendError(
        res,
        400,
        `This model's maximum context length is 512 tokens. However, your messages resulted in ${Math.ceil(prompt.length / 4)} input tokens.`,
      );
    }
    const format = request.response_format;
    if (format !== undefined) {
      // vLLM's structured outputs: a json_schema format must carry a name and a schema object.
      if (
        format?.type !== 'json_schema' ||
        typeof format.json_schema?.name !== 'string' ||
        typeof format.json_schema.schema !== 'object'
      ) {
        return sendError(
          res,
          400,
          'response_format json_schema needs a name and a schema',
          'response_format',
        );
      }
      this.chatPrompts.push(request.messages);
      const next = this.chatScript.shift();
      if (next === undefined)
        return sendError(res, 500, 'no scripted answer left in the test server');
      const answer = typeof next === 'function' ? next(request.messages) : next;
      return this.chatAnswer(
        res,
        typeof answer === 'string' ? answer : JSON.stringify(answer),
        prompt,
      );
    }
    const user = request.messages
      .filter((m) => m.role === 'user')
      .map((m) => m.content)
      .join('\n');
    const memories = user.split('\n').filter((line) => /^\[\d+\]/.test(line));
    const content = `Insight over ${memories.length} memories: ${memories.map((m) => m.replace(/^\[\d+\] \([^)]*\) /, '')).join(' | ')}`;
    this.chatPrompts.push(request.messages);
    if (request.stream === true) return void this.streamAnswer(res, content);
    this.chatAnswer(res, content, prompt);
  }

  /**
   * vLLM's streamed answer: server-sent events, one chunk for the role, one per word, one with
   * the finish reason, then `data: [DONE]`. Held back after the first chunk while a gate is set.
   */
  private async streamAnswer(res: ServerResponse, content: string): Promise<void> {
    const id = `chatcmpl-${Date.now()}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model: this.model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      })}\n\n`;
    let finished = false;
    res.once('close', () => {
      if (!finished) this.streamsCancelled++;
    });
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.write(chunk({ role: 'assistant', content: '' }));
    if (this.streamGate) await this.streamGate;
    const words = content.split(/(?<= )/);
    for (const word of words) {
      if (res.destroyed) return;
      res.write(chunk({ content: word }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    res.write(chunk({}, 'stop'));
    res.write('data: [DONE]\n\n');
    finished = true;
    res.end();
  }

  private chatAnswer(res: ServerResponse, content: string, prompt: string): void {
    const completionTokens = Math.ceil(content.length / 4);
    send(res, 200, {
      id: `chatcmpl-${Date.now()}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: this.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, tool_calls: [] },
          logprobs: null,
          finish_reason: 'stop',
          stop_reason: null,
        },
      ],
      usage: {
        prompt_tokens: Math.ceil(prompt.length / 4),
        total_tokens: Math.ceil(prompt.length / 4) + completionTokens,
        completion_tokens: completionTokens,
      },
    });
  }

  private embeddings(body: unknown, res: ServerResponse, dimension: number, fill?: number): void {
    const request = body as { model?: unknown; input?: unknown } | undefined;
    if (!request || typeof request !== 'object') {
      return sendError(res, 400, 'Expected a JSON object body');
    }
    if (request.model !== this.model) {
      return sendError(res, 404, `The model \`${String(request.model)}\` does not exist.`, 'model');
    }
    const inputs = typeof request.input === 'string' ? [request.input] : request.input;
    if (
      !Array.isArray(inputs) ||
      inputs.length === 0 ||
      !inputs.every((i) => typeof i === 'string')
    ) {
      return sendError(res, 400, 'input must be a string or a non-empty list of strings', 'input');
    }
    const tooLong = (inputs as string[]).find((i) => i.length > this.maxInputChars);
    if (tooLong) {
      return sendError(
        res,
        400,
        `This model's maximum context length is 512 tokens. However, you requested ${Math.ceil(tooLong.length / 4)} tokens in the input for embedding generation. Please reduce the length of the input.`,
      );
    }
    const data = (inputs as string[]).map((text, index) => ({
      index,
      object: 'embedding',
      embedding:
        fill === undefined
          ? this.embedOne(text, dimension)
          : new Array<number>(dimension).fill(fill),
    }));
    const tokens = (inputs as string[]).reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
    send(res, 200, {
      id: `embd-${Date.now()}`,
      object: 'list',
      created: Math.floor(Date.now() / 1000),
      model: this.model,
      data,
      usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0 },
    });
  }
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch {
        resolve(undefined);
      }
    });
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  param: string | null = null,
): void {
  send(res, status, {
    error: { message, type: ERROR_TYPES[status] ?? 'Error', param, code: status },
  });
}
