import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { locateChromaCli, resolveChromaRuntime } from './chroma-runtime.js';
import { findFreePort } from './free-port.js';

export interface EmbeddedChromaOptions {
  /** Chroma keeps its files here. */
  dataDir: string;
  /** Where a provisioned runtime (glibc loader) is cached between runs. */
  runtimeDir: string;
  /** 0 or absent: a free port. */
  port?: number;
  startupTimeoutMs?: number;
  /**
   * Collections whose vector index Chroma keeps in memory (its own default: 65,536). The app
   * leaves it unset: Chroma 1.3 cannot load an evicted index again while records of it were
   * not yet written to disk (fewer than sync_threshold since the last write), and answers
   * "Nothing found on disk" for that collection until it restarts (bench/chroma-collections.mjs).
   */
  indexCacheCollections?: number;
  log?: (message: string) => void;
}

const HOST = '127.0.0.1';
const KILL_GRACE_MS = 1500;
const OUTPUT_LINES_KEPT = 40;

/**
 * The real Chroma server shipped by the chromadb npm package, run as a child process that the app
 * owns: started on a free loopback port, stopped on shutdown, and killed by the kernel if the app
 * itself dies (setpriv --pdeathsig), so no orphan is ever left behind.
 */
export class EmbeddedChromaServer {
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly dataDir: string,
    private readonly output: string[],
  ) {
    child.once('exit', () => (this.exited = true));
  }

  static async start(options: EmbeddedChromaOptions): Promise<EmbeddedChromaServer> {
    const log = options.log ?? (() => undefined);
    const runtime = await resolveChromaRuntime(options.runtimeDir, log);
    const cli = locateChromaCli();
    await mkdir(options.dataDir, { recursive: true });
    const port = options.port || (await findFreePort(HOST));
    const chromaArgs = [cli, 'run', ...(await serverArguments(options, port))];
    const [command, args] = withParentDeathSignal(runtime.command, [
      ...runtime.args,
      ...chromaArgs,
    ]);

    const output: string[] = [];
    // Chroma logs every request at info level. Piped output that the parent does not read fast
    // enough (an event loop busy for a while) fills the pipe and stalls Chroma itself, so the
    // child logs warnings and errors only, unless RUST_LOG says otherwise.
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...withoutChromaVariables(process.env), RUST_LOG: process.env.RUST_LOG ?? 'warn' },
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        output.push(...chunk.split('\n').filter(Boolean));
        output.splice(0, Math.max(0, output.length - OUTPUT_LINES_KEPT));
      });
    }
    const server = new EmbeddedChromaServer(
      child,
      `http://${HOST}:${port}`,
      options.dataDir,
      output,
    );
    try {
      await server.waitUntilReady(options.startupTimeoutMs ?? 60_000);
    } catch (error) {
      await server.stop();
      throw error;
    }
    await writeFile(
      serverFile(options.dataDir),
      JSON.stringify({ url: server.url, pid: child.pid, owner: process.pid }),
    );
    log(`Embedded Chroma ready at ${server.url} (data in ${options.dataDir}, pid ${child.pid})`);
    return server;
  }

  /**
   * The Chroma server already running on this data folder (the service's, when the admin CLI
   * runs beside it), or a new one. Two servers on one folder would corrupt it.
   */
  static async attachOrStart(options: EmbeddedChromaOptions): Promise<ChromaServerHandle> {
    const running = await readServerFile(options.dataDir);
    if (running && isAlive(running.pid) && (await answers(running.url))) {
      options.log?.(
        `Using the embedded Chroma already running at ${running.url} (pid ${running.pid})`,
      );
      return { url: running.url, stop: async () => undefined };
    }
    return EmbeddedChromaServer.start(options);
  }

  /** Chroma ignores SIGTERM; its write-ahead log makes SIGKILL after a short grace safe. */
  async stop(): Promise<void> {
    await rm(serverFile(this.dataDir), { force: true });
    if (this.exited || this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const graceful = await Promise.race([
      exited.then(() => true),
      sleep(KILL_GRACE_MS, false, { ref: false }),
    ]);
    if (!graceful) {
      this.child.kill('SIGKILL');
      await exited;
    }
  }

  /** Kills the server without grace, as a crash would (for fault tests). */
  async kill(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new Error(
          `The embedded Chroma server exited during start-up:\n${this.output.join('\n')}`,
        );
      }
      try {
        const response = await fetch(`${this.url}/api/v2/heartbeat`, {
          signal: AbortSignal.timeout(1000),
        });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(150);
    }
    throw new Error(
      `The embedded Chroma server did not answer within ${timeoutMs} ms (CHROMA_STARTUP_TIMEOUT_MS):\n` +
        this.output.join('\n'),
    );
  }
}

/** What connects to a Chroma server the app may or may not own. */
export interface ChromaServerHandle {
  readonly url: string;
  stop(): Promise<void>;
}

const serverFile = (dataDir: string) => join(dataDir, '.memory-system-server.json');
const configFile = (dataDir: string) => join(dataDir, '.memory-system-chroma.yaml');

/**
 * `chroma run` takes either flags or a config file, and only the file reaches the index cache
 * (segment_manager.hnsw_index_pool_cache_config). Chroma's default keeps every collection's index
 * in memory, about 2.6 MB even for a collection of 10 memories of 384 dimensions.
 */
async function serverArguments(options: EmbeddedChromaOptions, port: number): Promise<string[]> {
  const capacity = options.indexCacheCollections;
  if (capacity === undefined) {
    return ['--path', options.dataDir, '--host', HOST, '--port', String(port)];
  }
  const config = {
    persist_path: options.dataDir,
    listen_address: HOST,
    port,
    // One shard: the cache splits its capacity evenly between shards (64 by default).
    segment_manager: { hnsw_index_pool_cache_config: { memory: { capacity, shards: 1 } } },
  };
  // JSON is YAML, and needs no quoting rules of its own for the path.
  await writeFile(configFile(options.dataDir), JSON.stringify(config, null, 2));
  return [configFile(options.dataDir)];
}

/**
 * Chroma reads CHROMA_* variables as settings of its own next to a config file, and the app's
 * (CHROMA_AUTH, CHROMA_TENANT, ...) mean something else: the child gets none of them.
 */
function withoutChromaVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('CHROMA_')));
}

async function readServerFile(dataDir: string): Promise<{ url: string; pid: number } | undefined> {
  try {
    return JSON.parse(await readFile(serverFile(dataDir), 'utf8')) as { url: string; pid: number };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/v2/heartbeat`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

function withParentDeathSignal(command: string, args: string[]): [string, string[]] {
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));
  return setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, args];
}

export function chromaDataDir(dataDir: string): string {
  return join(dataDir, 'chroma');
}
