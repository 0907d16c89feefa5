// A STAND-IN for a language model, to try memory-system without a GPU: a small deterministic
// server in the OpenAI wire format (GET /v1/models, POST /v1/embeddings, POST
// /v1/chat/completions with streaming and JSON answers) and vLLM's POST /v1/rerank. It
// understands nothing: its embeddings are bags of hashed words, its extraction rewrites "I ..."
// sentences in the third person, its insights list the words memories share, its chat answers
// say which memories reached it, and its reranker counts the question's words in each document.
// Good enough to watch insights, extraction, the chat proxy and reranking work; never for real use.
//
//   npm run stand-in-model            # listens on 127.0.0.1:8800 (STAND_IN_PORT to change)
//   VLLM_URL=http://127.0.0.1:8800 npm start
//   VLLM_RERANK_URL=http://127.0.0.1:8800 npm start     # reranking too
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

export const STAND_IN_MODEL = 'stand-in/deterministic-v1';
const DIMENSION = 256;

const words = (text) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Each word adds a fixed pseudo-random direction: texts that share words are close. */
export function embed(text) {
  const vector = new Array(DIMENSION).fill(0);
  for (const word of words(text)) {
    const digest = createHash('sha256').update(word).digest();
    for (let i = 0; i < DIMENSION; i++) vector[i] += (digest[i % digest.length] - 127.5) / 127.5;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((v) => v / norm);
}

/** "I moved to Porto. I love jazz!" → third-person facts, one per first-person sentence. */
function factsFrom(conversation) {
  const facts = [];
  for (const message of conversation.filter((m) => m.role === 'user')) {
    for (const sentence of message.content.split(/(?<=[.!?])\s+/)) {
      const text = sentence.trim().replace(/[.!?]+$/, '');
      if (!/^(i|i'm|my)\b/i.test(text) || text.endsWith('?')) continue;
      const content = `The user ${text
        .replace(/^i'm\b/i, 'is')
        .replace(/^i am\b/i, 'is')
        .replace(/^my\b/i, "'s")
        .replace(/^i\s+(\w+)/i, (_, verb) => (/s$/.test(verb) ? verb : `${verb}s`))
        .replace(/\bmy\b/gi, 'their')}.`.replace("The user 's", "The user's");
      const type = /\b(like|love|prefer|hate|enjoy)/i.test(text) ? 'preference' : 'fact';
      facts.push({ content, type });
    }
  }
  return { facts: facts.slice(0, 20) };
}

/** ADD, NONE when already known, SUPERSEDE when a memory starts with the same three words. */
function decisionsFor(candidates, memories) {
  const subject = (text) => words(text).slice(0, 3).join(' ');
  return {
    decisions: candidates.map((fact) => {
      const same = memories.find((m) => m.content.toLowerCase() === fact.content.toLowerCase());
      if (same) return { fact: fact.fact, action: 'NONE', memory: null, content: null };
      const older = memories.find((m) => subject(m.content) === subject(fact.content));
      return older
        ? { fact: fact.fact, action: 'SUPERSEDE', memory: older.memory, content: null }
        : { fact: fact.fact, action: 'ADD', memory: null, content: null };
    }),
  };
}

/** A JSON answer (response_format): the extraction steps, by the schema's name. */
function jsonAnswer(name, messages) {
  const user = messages.findLast((m) => m.role === 'user')?.content ?? '';
  if (name === 'facts') return factsFrom(JSON.parse(user.slice(user.indexOf('['))));
  if (name === 'decisions') {
    const [factsPart, memoriesPart] = user.split('\n\nExisting memories (JSON):\n');
    return decisionsFor(
      JSON.parse(factsPart.slice(factsPart.indexOf('['))),
      JSON.parse(memoriesPart),
    );
  }
  if (name === 'sub_questions') return subQuestions(JSON.parse(user).question ?? '');
  return {};
}

/**
 * Query decomposition without understanding: a question is cut at "after", "before" or "when"
 * linking two events ("What did Priya buy after Tomas moved?" → "What did Priya buy?", "Tomas
 * moved?"); any other stays whole.
 */
function subQuestions(question) {
  const parts = question
    .replace(/\?+$/, '')
    .split(/\s+(?:after|before|when|while)\s+/i)
    .map((part) => part.trim())
    .filter(Boolean);
  return { questions: parts.length > 1 ? parts.map((part) => `${part}?`) : [] };
}

/** A prose answer: insights over numbered memories, or a chat reply naming what reached it. */
function textAnswer(messages) {
  const text = (m) => (typeof m.content === 'string' ? m.content : '');
  const system = messages
    .filter((m) => m.role === 'system')
    .map(text)
    .join('\n');
  const user = messages.findLast((m) => m.role === 'user');
  const numbered = text(user ?? {})
    .split('\n')
    .filter((line) => /^\[\d+\]/.test(line));
  if (system.includes('insights') && numbered.length > 0) {
    const counts = new Map();
    for (const line of numbered) {
      for (const word of new Set(words(line.replace(/^\[\d+\] \([^)]*\)/, '')))) {
        if (word.length > 3) counts.set(word, (counts.get(word) ?? 0) + 1);
      }
    }
    const shared = [...counts].filter(([, n]) => n > 1).map(([w]) => w);
    return `(stand-in model) ${numbered.length} memories; words they share: ${shared.join(', ') || 'none'}. [1] is the first of them.`;
  }
  const memories = system.split('\n').filter((line) => line.startsWith('- ['));
  const seen = memories.length
    ? `I was given ${memories.length} memories: ${memories.map((l) => l.replace(/^- \[[^\]]+\] /, '')).join('; ')}.`
    : 'I was given no memories.';
  return `(stand-in model) ${seen} You said: "${text(user ?? {}).slice(0, 200)}"`;
}

/**
 * vLLM's rerank answer (the Jina/Cohere shape) without a cross-encoder: a document scores by the
 * share of the query's words of three letters or more that it holds, best first, cut to `top_n`.
 */
function reranked(res, request) {
  if (request.model !== STAND_IN_MODEL) {
    return error(res, 404, `The model \`${request.model}\` does not exist.`, 'model');
  }
  if (typeof request.query !== 'string') return error(res, 400, 'query must be a string', 'query');
  if (request.top_n != null && !Number.isInteger(request.top_n)) {
    return error(res, 400, 'top_n must be an integer', 'top_n');
  }
  const documents = request.documents;
  if (!Array.isArray(documents) || documents.some((d) => typeof d !== 'string')) {
    return error(res, 400, 'documents must be a list of strings', 'documents');
  }
  const telling = (text) => new Set(words(text).filter((word) => word.length >= 3));
  const asked = telling(request.query);
  const results = documents
    .map((text, index) => {
      const held = telling(text);
      const shared = [...asked].filter((word) => held.has(word)).length;
      return { index, document: { text }, relevance_score: asked.size ? shared / asked.size : 0 };
    })
    .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index)
    // As vLLM: top_n absent, 0 or below means every document.
    .slice(0, request.top_n > 0 ? request.top_n : documents.length);
  const tokens = documents.reduce(
    (sum, text) => sum + words(text).length,
    words(request.query).length,
  );
  return send(res, 200, {
    id: `rerank-standin-${createHash('sha256').update(JSON.stringify(request)).digest('hex').slice(0, 12)}`,
    model: STAND_IN_MODEL,
    usage: { total_tokens: tokens },
    results,
  });
}

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function error(res, status, message, param = null) {
  send(res, status, { error: { message, type: 'invalid_request_error', param, code: null } });
}

function completion(res, request) {
  if (request.model !== STAND_IN_MODEL) {
    return error(res, 404, `The model \`${request.model}\` does not exist.`, 'model');
  }
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    return error(res, 400, 'messages must be a non-empty list', 'messages');
  }
  const format = request.response_format?.json_schema?.name;
  const content = format
    ? JSON.stringify(jsonAnswer(format, request.messages))
    : textAnswer(request.messages);
  const id = `chatcmpl-standin-${createHash('sha256').update(content).digest('hex').slice(0, 12)}`;
  const created = Math.floor(Date.now() / 1000);
  const usage = { prompt_tokens: 0, completion_tokens: words(content).length };
  if (request.stream !== true) {
    return send(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model: STAND_IN_MODEL,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { ...usage, total_tokens: usage.completion_tokens },
    });
  }
  const chunk = (delta, finish = null) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: STAND_IN_MODEL, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  res.write(chunk({ role: 'assistant', content: '' }));
  for (const word of content.split(/(?<= )/)) res.write(chunk({ content: word }));
  res.write(chunk({}, 'stop'));
  res.end('data: [DONE]\n\n');
}

export function createStandInServer() {
  return createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      let body = {};
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      } catch {
        return error(res, 400, 'The body is not valid JSON');
      }
      if (
        req.method === 'POST' &&
        (body === null || typeof body !== 'object' || Array.isArray(body))
      ) {
        return error(res, 400, 'The body must be a JSON object');
      }
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path === '/v1/models') {
        return send(res, 200, {
          object: 'list',
          data: [
            { id: STAND_IN_MODEL, object: 'model', owned_by: 'stand-in', max_model_len: 32768 },
          ],
        });
      }
      if (req.method === 'POST' && path === '/v1/embeddings') {
        const inputs = typeof body.input === 'string' ? [body.input] : body.input;
        if (!Array.isArray(inputs) || inputs.some((i) => typeof i !== 'string')) {
          return error(res, 400, 'input must be a string or a list of strings', 'input');
        }
        return send(res, 200, {
          object: 'list',
          model: STAND_IN_MODEL,
          data: inputs.map((text, index) => ({
            index,
            object: 'embedding',
            embedding: embed(text),
          })),
        });
      }
      if (req.method === 'POST' && path === '/v1/chat/completions') return completion(res, body);
      if (req.method === 'POST' && (path === '/v1/rerank' || path === '/rerank')) {
        return reranked(res, body);
      }
      return error(res, 404, `No route ${req.method} ${path}`);
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = createStandInServer();
  server.listen(Number(process.env.STAND_IN_PORT ?? 8800), '127.0.0.1', () => {
    const { port } = server.address();
    console.log(
      `STAND-IN model (deterministic, not a language model) at http://127.0.0.1:${port}/v1, model "${STAND_IN_MODEL}".\n` +
        `Start the service with: VLLM_URL=http://127.0.0.1:${port} npm start\n` +
        `(add VLLM_RERANK_URL=http://127.0.0.1:${port} to rerank searches with it too)`,
    );
  });
}
