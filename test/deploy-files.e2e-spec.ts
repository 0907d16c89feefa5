import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { parse } from 'yaml';
import { EnvironmentSchema, loadConfig, SECRET_VARIABLES } from '@memory-system/core';
import { FakeVllmServer } from './support/fake-vllm.server.js';
import { parseMetrics } from './support/metrics.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** No Docker engine runs here: these tests check the deployment files against the real app. */
const docker = (file: string) => join(process.cwd(), 'docker', file);
const dockerfile = readFileSync(docker('Dockerfile'), 'utf8');
const stack = parse(readFileSync(docker('stack.yml'), 'utf8')) as Compose;
const compose = parse(readFileSync(docker('compose.yml'), 'utf8')) as Compose;
const dashboard = JSON.parse(
  readFileSync(docker('grafana/dashboards/memory-system.json'), 'utf8'),
) as {
  panels: Array<{ title: string; targets: Array<{ expr: string }>; datasource: { uid: string } }>;
};

interface Service {
  image?: string;
  environment?: Record<string, string>;
  secrets?: Array<string | { source: string; target?: string }>;
  volumes?: string[];
  healthcheck?: { test: string[]; start_period?: string };
  configs?: Array<{ source: string; target: string }>;
  command?: string[];
  networks?: string[];
  deploy?: {
    replicas?: number;
    update_config?: { failure_action?: string; order?: string; parallelism?: number };
    rollback_config?: { order?: string; parallelism?: number };
    restart_policy?: { condition?: string; max_attempts?: number };
    resources?: { limits?: { cpus?: string; memory?: string } };
    placement?: { constraints?: string[]; max_replicas_per_node?: number };
  };
}
interface Compose {
  services: Record<string, Service>;
  secrets?: Record<string, { external?: boolean; file?: string }>;
  configs?: Record<string, { file: string }>;
  networks?: Record<string, { driver?: string; internal?: boolean }>;
  volumes?: Record<string, unknown>;
}

// Every variable the config schema validates, optional ones included, and the *_FILE forms.
const knownVariables = new Set(
  getMetadataStorage()
    .getTargetValidationMetadatas(EnvironmentSchema, '', true, false)
    .map((rule) => rule.propertyName),
);
for (const secret of SECRET_VARIABLES) knownVariables.add(`${secret}_FILE`);

/** `${X:-default}` → default, `${X:?message}` → an example value: what `docker stack deploy` would send. */
function interpolate(value: string): string {
  return String(value)
    .replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')
    .replace(/\$\{([A-Z_]+):\?[^}]*\}/g, (_, name: string) =>
      name.endsWith('_URL') ? 'http://vllm.example.internal:8000' : 'x',
    );
}

/** The service's environment with every *_FILE pointing at a file holding a strong secret. */
function resolvedEnvironment(service: Service): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'ms-secrets-'));
  const env: Record<string, string> = {};
  for (const [name, raw] of Object.entries(service.environment ?? {})) {
    const value = interpolate(raw);
    if (name.endsWith('_FILE')) {
      const file = join(dir, name);
      writeFileSync(
        file,
        name.startsWith('CHROMA_AUTH')
          ? 'memory:Xq8v2LrT9mZk4NwP'
          : 'Xq8v2LrT9mZk4NwP7yBc3HdJ6sFa1GeU5tQx',
      );
      env[name] = file;
    } else {
      env[name] = value;
    }
  }
  return env;
}

describe('the production install', () => {
  it('declares every package the built service imports as a dependency (npm prune keeps only those)', () => {
    const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const imported = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.js')) {
          const source = readFileSync(path, 'utf8');
          const specifiers = source.matchAll(
            /^\s*(?:import|export)\s[^;]*?from\s*'([^']+)'|^\s*import\s*'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm,
          );
          for (const match of specifiers) {
            const spec = match[1] ?? match[2] ?? match[3]!;
            if (
              spec.startsWith('.') ||
              spec.startsWith('node:') ||
              spec.startsWith('@memory-system/')
            )
              continue;
            imported.add(
              spec
                .split('/')
                .slice(0, spec.startsWith('@') ? 2 : 1)
                .join('/'),
            );
          }
        }
      }
    };
    walk(join(process.cwd(), 'dist'));
    expect(imported.size).toBeGreaterThan(20);
    expect([...imported].filter((name) => !(name in pkg.dependencies)).sort()).toEqual([]);
  });
});

describe('docker/Dockerfile', () => {
  it('is multi-stage, on a glibc new enough for Chroma, non-root, with a node healthcheck and a stop signal', () => {
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/ARG NODE_IMAGE=node:[\d.]+-trixie/); // Debian 13: glibc 2.41 ≥ 2.39
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data", "\/backups"\]$/m);
    const healthcheck = dockerfile.slice(dockerfile.indexOf('HEALTHCHECK'));
    expect(healthcheck).toMatch(/CMD \["node", "-e"/);
    expect(healthcheck.split('\n').slice(0, 3).join('\n')).not.toMatch(/curl|wget/);
  });

  it('builds without fetching a frontend, runs under an init, keeps secrets and build tools out', () => {
    // A `# syntax=` line makes BuildKit fetch that frontend from Docker Hub on every build.
    expect(dockerfile).not.toMatch(/^# *syntax=/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    // The runtime stage installs only the init; compilers stay in the build stage.
    expect(runtime.match(/apt-get install[^\n]*/g)).toEqual([
      'apt-get install -y --no-install-recommends tini \\',
    ]);
    const build = dockerfile.slice(0, dockerfile.lastIndexOf('\nFROM '));
    expect(build).toMatch(/npm prune --omit=dev/);
    expect(build).toMatch(/rm -rf node_modules\/typescript/);
    const ignored = readFileSync(join(docker('..'), '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['docker/secrets', '.env']));
  });
});

describe.each([
  ['docker/stack.yml', stack],
  ['docker/compose.yml', compose],
])('%s', (_file, spec) => {
  const api = spec.services['memory-api']!;

  it('sets only variables the app knows', () => {
    const unknown = Object.keys(api.environment ?? {}).filter((name) => !knownVariables.has(name));
    expect(unknown).toEqual([]);
  });

  it('is a configuration the app accepts in production', () => {
    const env = resolvedEnvironment(api);
    expect(env.NODE_ENV).toBe('production');
    const config = loadConfig(env);
    expect(config.auth.jwtSecret).toBeDefined();
    expect(config.auth.adminPassword).toBeDefined();
    expect(config.backup.enabled).toBe(true);
  });

  it('gives every *_FILE a secret the service mounts and the file declares', () => {
    const mounted = (api.secrets ?? []).map((s) => (typeof s === 'string' ? s : s.source));
    for (const [name, value] of Object.entries(api.environment ?? {})) {
      if (!name.endsWith('_FILE')) continue;
      const secret = String(value).replace('/run/secrets/', '');
      expect(mounted).toContain(secret);
      expect(spec.secrets?.[secret]).toBeDefined();
    }
  });

  it('keeps data and backups in volumes', () => {
    expect(api.volumes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/:\/data$/),
        expect.stringMatching(/:\/backups$/),
      ]),
    );
  });

  it('has files for every config it mounts', () => {
    for (const config of Object.values(spec.configs ?? {}))
      expect(existsSync(join(process.cwd(), 'docker', config.file))).toBe(true);
    for (const secret of Object.values(spec.secrets ?? {}))
      if (secret.file) expect(secret.file).toMatch(/^\.\/secrets\//);
  });
});

describe('docker/stack.yml for Swarm', () => {
  const api = stack.services['memory-api']!;

  it('trusts no proxy header: the routing mesh adds none', () => {
    expect(api.environment).not.toHaveProperty('TRUST_PROXY');
  });

  it('runs two replicas that update one at a time, new before old, and roll back on failure', () => {
    expect(api.deploy?.replicas).toBe(2);
    // start-first, updates and rollbacks alike: an old task stops only once its replacement is
    // healthy, so a bad release never takes the last serving replica down.
    expect(api.deploy?.update_config).toMatchObject({
      failure_action: 'rollback',
      order: 'start-first',
      parallelism: 1,
    });
    expect(api.deploy?.rollback_config).toMatchObject({ order: 'start-first', parallelism: 1 });
    // Room on one labelled node for both replicas and the task that starts first.
    const perNode = api.deploy?.placement?.max_replicas_per_node;
    if (perNode !== undefined) expect(perNode).toBeGreaterThan(api.deploy!.replicas!);
    expect(api.deploy?.resources?.limits).toMatchObject({
      cpus: expect.any(String),
      memory: expect.any(String),
    });
    expect(api.deploy?.placement?.constraints?.length).toBeGreaterThan(0);
  });

  it('keeps restarting a task that died, however often (never 0 of 2 after an outage)', () => {
    for (const name of ['memory-api', 'chromadb', 'chroma-server']) {
      const policy = stack.services[name]!.deploy?.restart_policy;
      expect(policy?.condition).toBe('any');
      expect(policy).not.toHaveProperty('max_attempts');
    }
  });

  it('gives each task a data folder of its own on the data volume', () => {
    expect(api.environment?.DATA_DIR).toBe('/data/slot-{{.Task.Slot}}');
    expect(api.volumes).toContain('memory-data:/data');
  });

  it('runs Chroma 1.x with its current settings, reachable only through a proxy that checks the credentials the service sends', () => {
    const chroma = stack.services['chroma-server']!;
    expect(chroma.image).toMatch(/^chromadb\/chroma:1\./);
    expect(chroma.environment).toMatchObject({ CHROMA_PERSIST_PATH: '/data' });
    for (const old of ['IS_PERSISTENT', 'PERSIST_DIRECTORY'])
      expect(chroma.environment).not.toHaveProperty(old);
    expect(chroma.volumes).toEqual(['chroma-data:/data']);
    // The image has no curl or wget: bash asks for the v2 heartbeat and wants a 200.
    expect(chroma.healthcheck?.test.join(' ')).toMatch(/\/bin\/bash.*\/api\/v2\/heartbeat.* 200/);
    expect(chroma.networks).toEqual(['chroma']);
    expect(stack.networks?.chroma?.internal).toBe(true);

    const proxy = stack.services.chromadb!;
    expect(api.environment?.CHROMA_URL).toContain('http://chromadb:8000');
    expect(proxy.networks?.sort()).toEqual(['chroma', 'memory']);
    expect(proxy.secrets).toContain('memory_chroma_auth');
    expect(api.environment?.CHROMA_AUTH_FILE).toBe('/run/secrets/memory_chroma_auth');
    expect(proxy.command?.join(' ')).toContain('{PLAIN}');
    expect(proxy.healthcheck?.test.join(' ')).toContain('/healthz');
    const mounted = proxy.configs!.find((c) => c.source === 'chroma_proxy_config')!;
    expect(mounted.target).toBe('/etc/nginx/conf.d/default.conf');
    const conf = readFileSync(docker(stack.configs!.chroma_proxy_config!.file), 'utf8');
    // Everything but the heartbeat alias needs the credentials; Chroma never sees them.
    const everything = conf.slice(conf.indexOf('location / {'));
    expect(everything).toMatch(/auth_basic "chroma";/);
    expect(everything).toMatch(/auth_basic_user_file \/etc\/nginx\/chroma\.htpasswd;/);
    expect(everything).toMatch(/proxy_set_header Authorization "";/);
    expect(conf).toMatch(
      /location = \/healthz \{\s*proxy_pass http:\/\/chroma-server:8000\/api\/v2\/heartbeat;/,
    );
  });

  it('checks liveness (not vLLM) with a start period, like the Dockerfile', () => {
    expect(api.healthcheck?.start_period).toBeDefined();
    expect(api.healthcheck?.test.join(' ')).toContain('/health/live');
    expect(dockerfile).toContain('/health/live');
  });

  it('shares state through a persistent Redis, on overlay networks, with Prometheus and Grafana', () => {
    expect(api.environment?.REDIS_URL).toBe('redis://redis:6379/0');
    expect(stack.services.redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    expect(stack.services.redis?.volumes).toEqual([expect.stringMatching(/:\/data$/)]);
    for (const network of Object.values(stack.networks ?? {}))
      expect(network.driver).toBe('overlay');
    expect(stack.services.prometheus).toBeDefined();
    expect(stack.services.grafana).toBeDefined();
    for (const secret of Object.values(stack.secrets ?? {})) expect(secret.external).toBe(true);
  });

  it('points Prometheus at every memory-api replica', () => {
    const prometheus = parse(readFileSync(docker('prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{
        metrics_path: string;
        dns_sd_configs: Array<{ names: string[]; port: number }>;
      }>;
    };
    const job = prometheus.scrape_configs[0]!;
    expect(job.metrics_path).toBe('/metrics');
    expect(job.dns_sd_configs[0]).toEqual({ names: ['tasks.memory-api'], type: 'A', port: 3000 });
  });

  it('provisions Grafana with the Prometheus data source the dashboard uses', () => {
    const datasource = parse(
      readFileSync(docker('grafana/provisioning/datasources/prometheus.yml'), 'utf8'),
    ) as { datasources: Array<{ uid: string; url: string }> };
    expect(datasource.datasources[0]!.url).toBe('http://prometheus:9090');
    for (const panel of dashboard.panels)
      expect(panel.datasource.uid).toBe(datasource.datasources[0]!.uid);
    const provider = parse(
      readFileSync(docker('grafana/provisioning/dashboards/dashboards.yml'), 'utf8'),
    ) as { providers: Array<{ options: { path: string } }> };
    const mounted = stack.services.grafana!.configs!.find(
      (c) => c.source === 'grafana_memory_dashboard',
    )!;
    expect(dirname(mounted.target)).toBe(provider.providers[0]!.options.path);
  });
});

describe('against a running app', () => {
  let t: TestApp;
  let vllm: FakeVllmServer;
  beforeAll(async () => {
    vllm = await new FakeVllmServer().start();
    t = await createTestApp({
      VLLM_URL: vllm.url,
      BACKUP_DIR: mkdtempSync(join(tmpdir(), 'ms-deploy-backups-')),
    });
    // Activity that makes every kind of metric appear.
    const m = (
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'deployment check', type: 'note' })
        .expect(201)
    ).body;
    await t.api.post('/api/v1/memories/search').send({ query: 'deployment' }).expect(200);
    await t.api.post('/api/v1/memories/search').send({ query: 'deployment' }).expect(200);
    await t.api.get(`/api/v1/memories/${m.id}`).expect(200);
    await t.admin.post('/api/v1/admin/backups').expect(201);
  });
  afterAll(async () => {
    await t.close();
    await vllm.stop();
  });

  it('answers the healthcheck path with 200', async () => {
    const path =
      /fetch\('http:\/\/127\.0\.0\.1:' \+ \(process\.env\.PORT \|\| 3000\) \+ '([^']+)'/.exec(
        dockerfile,
      )![1]!;
    await t.http.get(path).expect(200);
  });

  it('exports every metric the Grafana dashboard queries', async () => {
    const scraped = new Set(
      parseMetrics((await t.http.get('/metrics').expect(200)).text).map((s) => s.name),
    );
    const queried = new Set(
      dashboard.panels.flatMap((p) =>
        p.targets.flatMap((target) => target.expr.match(/memory_system_\w+/g) ?? []),
      ),
    );
    expect(queried.size).toBeGreaterThan(10);
    expect([...queried].filter((name) => !scraped.has(name))).toEqual([]);
  });

  it('has the panels the operators need', () => {
    const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join(' | ');
    for (const wanted of [
      'request rate',
      'error rate',
      'latency quantiles',
      'memory operations',
      'backend latency',
      'cache hit ratio',
      'circuit breaker',
      'backup age',
    ]) {
      expect(titles).toContain(wanted);
    }
  });
});
