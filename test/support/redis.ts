import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { redisRuntime } from './redis-runtime.js';
import { freePort } from './server-process.js';

/**
 * A real Debian redis-server on a loopback port, with an append-only file so it survives
 * restarts (the machine's own, or one fetched on first use: see redisRuntime).
 */
export class RedisServer {
  private constructor(
    private child: ChildProcess,
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(
    dir = mkdtempSync(join(tmpdir(), 'ms-redis-')),
    port?: number,
  ): Promise<RedisServer> {
    const chosen = port ?? (await freePort());
    const runtime = await redisRuntime();
    const child = spawn(
      runtime.command,
      [
        '--port',
        String(chosen),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
      ],
      { stdio: 'ignore', env: runtime.env },
    );
    const server = new RedisServer(child, chosen, dir);
    await server.waitUntilReady();
    return server;
  }

  async restart(): Promise<void> {
    await this.stop();
    const again = await RedisServer.start(this.dir, this.port);
    this.child = again.child;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }

  private async waitUntilReady(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const client = new Redis(this.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      try {
        await client.connect();
        await client.ping();
        return;
      } catch {
        await sleep(50);
      } finally {
        client.disconnect();
      }
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }
}
