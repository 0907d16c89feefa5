/**
 * A deployment set up from the original design document (the "seed") names its servers with
 * host and port variables this service does not read. They are mapped to ours, with a notice,
 * instead of being dropped in silence (which started an empty embedded Chroma and the local
 * embedder in place of the cluster's servers). Our own names win when both are set.
 */
type RawEnv = Record<string, string | undefined>;

const set = (value: string | undefined): value is string => !!value?.trim();

export function mapSeedSettings(raw: RawEnv): { env: RawEnv; notices: string[] } {
  const env = { ...raw };
  const notices: string[] = [];
  const server = (host: string, port: string, ours: string) => {
    if (!set(raw[host])) {
      if (set(raw[port])) notices.push(`${port} is ignored without ${host}: set ${ours}`);
      return;
    }
    const url = `http://${raw[host]!.trim()}:${set(raw[port]) ? raw[port]!.trim() : '8000'}`;
    if (set(raw[ours])) {
      notices.push(`${host}/${port} (seed names) ignored: ${ours} is set`);
      return;
    }
    env[ours] = url;
    notices.push(`${host}/${port} (seed names) read as ${ours}=${url}`);
  };
  server('CHROMA_HOST', 'CHROMA_PORT', 'CHROMA_URL');
  server('VLLM_HOST', 'VLLM_PORT', 'VLLM_URL');
  if (set(raw.JWT_EXPIRES_IN)) {
    if (set(raw.JWT_ACCESS_TTL))
      notices.push('JWT_EXPIRES_IN (seed name) ignored: JWT_ACCESS_TTL is set');
    else {
      env.JWT_ACCESS_TTL = raw.JWT_EXPIRES_IN;
      notices.push(
        `JWT_EXPIRES_IN (seed name) read as JWT_ACCESS_TTL=${raw.JWT_EXPIRES_IN!.trim()} ` +
          '(access tokens; sessions last through refresh tokens, JWT_REFRESH_TTL)',
      );
    }
  }
  if (set(raw.METRICS_ENABLED)) {
    notices.push(
      'METRICS_ENABLED (seed name) has no effect: /metrics is always served; METRICS_TOKEN protects it',
    );
  }
  return { env, notices };
}

/** Prefixes of this service's variables: an unknown name with one of them is likely a typo. */
const OUR_PREFIXES = [
  'ADMIN_',
  'ALLOWED_',
  'BACKUP_',
  'CACHE_',
  'CHROMA_',
  'DATA_',
  'EXTRACTION_',
  'IMPORT_',
  'INSIGHTS_',
  'JWT_',
  'LOCAL_EMBEDDING',
  'LOG_',
  'LOGIN_',
  'MEMORY_',
  'METRICS_',
  'REDIS_',
  'REQUEST_',
  'RERANK_',
  'SEARCH_',
  'SESSION_',
  'SWAGGER_',
  'THROTTLE_',
  'TRUST_',
  'VLLM_',
];
/** The seed's names handled above, and what the seed's other files set for other programs. */
const NOT_OURS = new Set([
  'CHROMA_HOST',
  'CHROMA_PORT',
  'VLLM_HOST',
  'VLLM_PORT',
  'JWT_EXPIRES_IN',
  'METRICS_ENABLED',
  'MEMORY_SYSTEM_HOST',
  'MEMORY_SYSTEM_TEST_CHROMA_URL',
  'MEMORY_IMAGE',
  'MEMORY_PORT',
]);

/** Names that look like ours but are not, each with the closest known name. */
export function unknownSettings(raw: RawEnv, known: string[]): string[] {
  const accepted = new Set([...known, ...known.map((name) => `${name}_FILE`)]);
  return Object.keys(raw)
    .filter(
      (name) =>
        OUR_PREFIXES.some((prefix) => name.startsWith(prefix)) &&
        !accepted.has(name) &&
        !NOT_OURS.has(name),
    )
    .sort()
    .map((name) => {
      const closest = known
        .map((candidate) => ({ candidate, distance: editDistance(name, candidate) }))
        .sort((a, b) => a.distance - b.distance)[0];
      const hint =
        closest && closest.distance <= Math.max(2, Math.floor(name.length / 4))
          ? ` (did you mean ${closest.candidate}?)`
          : '';
      return `${name} is not a setting of this service and is ignored${hint}`;
    });
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}
