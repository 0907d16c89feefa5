import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { debianRuntime } from './debian-runtime.js';

/**
 * A real nginx (Debian's, fetched on first use into NGINX_RUNTIME_DIR, default
 * ~/.cache/memory-system/nginx-runtime) serving one server block, in the foreground as one
 * process: its files, logs and temporary folders all in `dir`.
 */
export class NginxServer {
  private constructor(private readonly child: ChildProcess) {}

  static async start(dir: string, serverBlock: string, port: number): Promise<NginxServer> {
    const runtime = await debianRuntime({
      binary: join('usr', 'sbin', 'nginx'),
      packages: ['nginx'],
      cacheDir:
        process.env.NGINX_RUNTIME_DIR ||
        join(homedir(), '.cache', 'memory-system', 'nginx-runtime'),
      hint: 'or install it yourself: apt-get install nginx',
    });
    for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
      mkdirSync(join(dir, sub), { recursive: true });
    }
    writeFileSync(join(dir, 'server.conf'), serverBlock);
    writeFileSync(
      join(dir, 'nginx.conf'),
      `daemon off;
master_process off;
pid ${join(dir, 'nginx.pid')};
error_log stderr crit;
events {}
http {
    access_log off;
    client_body_temp_path ${join(dir, 'body')};
    proxy_temp_path ${join(dir, 'proxy')};
    fastcgi_temp_path ${join(dir, 'fastcgi')};
    uwsgi_temp_path ${join(dir, 'uwsgi')};
    scgi_temp_path ${join(dir, 'scgi')};
    include ${join(dir, 'server.conf')};
}
`,
    );
    const child = spawn(
      runtime.command,
      ['-p', dir, '-e', 'stderr', '-c', join(dir, 'nginx.conf')],
      { stdio: ['ignore', 'ignore', 'inherit'], env: runtime.env },
    );
    const server = new NginxServer(child);
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
      const up = await fetch(`http://127.0.0.1:${port}/`).then(
        () => true,
        () => false,
      );
      if (up) return server;
      await sleep(50);
    }
    await server.stop();
    throw new Error('nginx did not listen');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
