import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a proxy does to one call on its way to Chroma. */
export interface ProxyRules {
  /** Answer it with a 500 instead of passing it on (with this message when a string). */
  fail?: (req: IncomingMessage) => boolean | string;
  /** Hold it back this many milliseconds first (0: pass at once). */
  delayMs?: (req: IncomingMessage) => number;
  /** Sees each call with its body before it is passed on. */
  observe?: (req: IncomingMessage, body: string) => void;
}

/** Record writes: what a restore or an import sends. */
export const isRecordWrite = (req: IncomingMessage) =>
  req.method === 'POST' && /\/(add|upsert)$/.test(req.url!);

/**
 * A loopback proxy in front of the real Chroma that fails or delays the calls the rules pick, to
 * show what the service does when Chroma misbehaves midway; everything else passes straight.
 */
export async function chromaProxy(
  target: string,
  rules: ProxyRules,
): Promise<{
  server: Server;
  url: string;
  /** Calls passed (or still to pass) to Chroma that Chroma has not answered yet. */
  unanswered: () => number;
  close: () => Promise<void>;
}> {
  const { hostname, port } = new URL(target);
  let unanswered = 0;
  const server = createServer((req, res) => {
    const failure = rules.fail?.(req);
    if (failure) {
      req.resume();
      const message = typeof failure === 'string' ? failure : 'injected by the test';
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'InternalError', message }));
      return;
    }
    // Counted until Chroma answers, even when the caller gave up waiting: a held-back call
    // still reaches Chroma later.
    unanswered++;
    let settled = false;
    const settle = () => {
      if (!settled) unanswered--;
      settled = true;
    };
    const upstream = () =>
      request(
        { hostname, port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          answer.once('end', settle).once('error', settle);
          res.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(res);
        },
        // A call still on its way when the test ends: drop it quietly.
      ).on('error', () => {
        settle();
        res.destroy();
      });
    const delay = rules.delayMs?.(req) ?? 0;
    if (rules.observe) {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        rules.observe!(req, body.toString('utf8'));
        setTimeout(() => upstream().end(body), delay);
      });
      return;
    }
    const forward = () => req.pipe(upstream());
    if (delay > 0) setTimeout(forward, delay);
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    unanswered: () => unanswered,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
