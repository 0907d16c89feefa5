// A chat server in vLLM's wire format for the extraction benchmark: it answers the extract step
// with one fact per user message and the decide step with ADD, or SUPERSEDE when a shown memory
// is about the same subject (its first three words), so runs exercise both paths. Deterministic.
import { createServer } from 'node:http';

const MODEL = 'bench/extractor';

function answerFor(messages) {
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  const user = messages.find((m) => m.role === 'user')?.content ?? '';
  if (system.startsWith('You extract')) {
    const conversation = JSON.parse(user.slice(user.indexOf('[')));
    const facts = conversation
      .filter((m) => m.role === 'user')
      .map((m) => ({ content: `The user says ${m.content}`, type: 'fact' }));
    return { facts };
  }
  const [factsPart, memoriesPart] = user.split('\n\nExisting memories (JSON):\n');
  const facts = JSON.parse(factsPart.slice(factsPart.indexOf('[')));
  const memories = JSON.parse(memoriesPart);
  const subject = (text) => text.split(' ').slice(0, 6).join(' ');
  return {
    decisions: facts.map((fact) => {
      const same = memories.find((m) => subject(m.content) === subject(fact.content));
      return same
        ? { fact: fact.fact, action: 'SUPERSEDE', memory: same.memory, content: null }
        : { fact: fact.fact, action: 'ADD', memory: null, content: null };
    }),
  };
}

export async function startChatServer() {
  let calls = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const send = (status, body) =>
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (req.url === '/v1/models') return send(200, { object: 'list', data: [{ id: MODEL }] });
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      calls++;
      const content = JSON.stringify(answerFor(body.messages));
      const promptTokens = Math.ceil(JSON.stringify(body.messages).length / 4);
      const completionTokens = Math.ceil(content.length / 4);
      send(200, {
        id: `chatcmpl-${calls}`,
        object: 'chat.completion',
        model: MODEL,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
      });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    model: MODEL,
    get calls() {
      return calls;
    },
    /** The floor: the two chat calls an extraction makes, straight from this process. */
    async twoCalls(messages) {
      for (const system of ['You extract', 'You keep']) {
        const body = {
          model: MODEL,
          messages: [
            { role: 'system', content: system },
            {
              role: 'user',
              content:
                system === 'You extract'
                  ? `Conversation (JSON):\n${JSON.stringify(messages)}`
                  : `Candidate facts (JSON):\n[{"fact":1,"content":"x"}]\n\nExisting memories (JSON):\n[]`,
            },
          ],
        };
        const res = await fetch(`${this.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        await res.json();
      }
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
