import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const BUILT_MAIN = join(process.cwd(), 'dist', 'apps', 'memory-api', 'src', 'main.js');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * pino's error and fatal levels: an unexpected failure (a 500's stack is logged at 50). The
 * access log's line for every 5xx (a 503 of a backend outage, too) is left out. A background
 * extraction that failed is logged as a warning (the model's fault, not ours), but a test that
 * waits for its memory has nothing else to say why it never came.
 */
const isServerError = (line: string) =>
  (/"level":(50|60)\b/.test(line) && !line.includes('"msg":"request errored"')) ||
  /"msg":"Session [^"]* extraction failed/.test(line);

/**
 * A server's errors are shown as they happen: when a request fails with a 500 the assertion
 * says only "500", and the stack that explains it is in this line.
 */
function echoServerError(line: string): void {
  process.stderr.write(`[server error] ${line.slice(0, 4000)}\n`);
}

/** The built service as `npm start` runs it: a separate node process. */
export class ServerProcess {
  readonly output: string[] = [];
  /** The exit code, or the signal that ended it. */
  readonly exited: Promise<number | NodeJS.Signals | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        this.output.push(chunk);
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        for (const line of lines) if (isServerError(line)) echoServerError(line);
      });
    }
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve(code ?? signal)),
    );
  }

  static async start(env: Record<string, string>): Promise<ServerProcess> {
    const port = env.PORT ?? String(await freePort());
    const child = spawn(process.execPath, [BUILT_MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'development',
        LOG_FORMAT: 'json',
        ...env,
        PORT: port,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServerProcess(child, `http://127.0.0.1:${port}`);
  }

  /** Until /health answers 200 (every backend up). */
  waitForHealth(timeoutMs = 90_000): Promise<void> {
    return this.waitFor('/health', timeoutMs);
  }

  /** Until the process serves HTTP, whatever its backends do. */
  waitForLive(timeoutMs = 90_000): Promise<void> {
    return this.waitFor('/health/live', timeoutMs);
  }

  /**
   * The output so far, once it matches `pattern`: the server logs through a pipe, so a line
   * written while answering a request may arrive after the answer.
   */
  async waitForOutput(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const output = this.output.join('');
      if (pattern.test(output)) return output;
      if (Date.now() > deadline) {
        throw new Error(`no output matching ${pattern} in ${timeoutMs} ms:\n${output}`);
      }
      await sleep(50);
    }
  }

  /** SIGTERM, as Swarm stops a container; resolves when the process is gone. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const stopped = await Promise.race([
      this.exited.then(() => true),
      sleep(15_000, false, { ref: false }),
    ]);
    if (!stopped) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** Direct children of the server (the embedded Chroma server). */
  childPids(): number[] {
    const pid = this.child.pid!;
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return tasks.trim().split(/\s+/).filter(Boolean).map(Number);
  }

  private async waitFor(path: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) {
        throw new Error(`server exited early:\n${this.output.join('')}`);
      }
      const ok = await fetch(`${this.url}${path}`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return;
      await sleep(100);
    }
    throw new Error(`server not answering ${path} in ${timeoutMs} ms:\n${this.output.join('')}`);
  }
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2];
    return state !== 'Z';
  } catch {
    return false;
  }
}

export async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await sleep(100);
  }
  return !isRunning(pid);
}
