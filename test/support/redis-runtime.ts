import { homedir } from 'node:os';
import { join } from 'node:path';
import { debianRuntime, type DebianRuntime } from './debian-runtime.js';

/** How to start a redis-server: the command, and the environment it needs. */
export type RedisRuntime = DebianRuntime;

/**
 * The redis-server the Redis suites run: the machine's own when it has one; otherwise Debian's
 * (redis-server and the libraries it links that a base system lacks), fetched once into
 * REDIS_RUNTIME_DIR (default ~/.cache/memory-system/redis-runtime): see debianRuntime.
 */
export function redisRuntime(
  cacheDir = process.env.REDIS_RUNTIME_DIR ||
    join(homedir(), '.cache', 'memory-system', 'redis-runtime'),
  usePath = true,
): Promise<RedisRuntime> {
  return debianRuntime({
    binary: join('usr', 'bin', 'redis-server'),
    packages: ['redis-server', 'redis-tools', 'libjemalloc2', 'liblzf1', 'libatomic1'],
    cacheDir,
    hint: 'or install it yourself: apt-get install redis-server',
    usePath,
  });
}
