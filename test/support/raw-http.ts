import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends a request with a large body over a bare socket and returns what the server answered.
 * A server that refuses a body early answers and closes while the client is still writing; an
 * HTTP client then reports EPIPE or ECONNRESET instead of the answer (which one wins is a race).
 * Here the body is written a chunk at a time, writing stops once the answer begins, and write
 * errors after that are expected.
 */
export function postLargeBody(
  baseUrl: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const received: Buffer[] = [];
    let answered = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`No answer to POST ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      const text = Buffer.concat(received).toString('latin1');
      if (!text)
        return reject(new Error(`The server closed the connection without answering POST ${path}`));
      resolve(parse(text));
    };
    socket.on('data', (chunk) => {
      answered = true;
      received.push(chunk);
    });
    socket.on('close', finish);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!['EPIPE', 'ECONNRESET'].includes(error.code ?? '')) {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on('connect', async () => {
      const head = [
        `POST ${path} HTTP/1.1`,
        `Host: ${url.host}`,
        'Connection: close',
        `Content-Length: ${Buffer.byteLength(body)}`,
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        '',
        '',
      ].join('\r\n');
      socket.write(head);
      const chunk = 64 * 1024;
      for (let at = 0; at < body.length && !answered && !socket.destroyed; at += chunk) {
        if (!socket.write(body.slice(at, at + chunk)))
          await new Promise((resume) => {
            socket.once('drain', resume);
            socket.once('close', resume);
          });
      }
    });
  });
}

/** Status, headers and body of a response that was not chunked (or whose chunks are kept as they are). */
function parse(text: string): RawResponse {
  const [head, ...rest] = text.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
}
