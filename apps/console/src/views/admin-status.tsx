import { useEffect, useState } from 'preact/hooks';
import { call, client } from '../api';
import { FormMessage, useFormState } from '../form';

interface Health {
  status: string;
  details?: Record<
    string,
    { status: string; message?: string; reason?: string; [key: string]: unknown }
  >;
}

/** Every backend's state as GET /health reports it (a 503 carries the same body). */
export function HealthPanel() {
  const [health, setHealth] = useState<Health | null>(null);
  const load = async () => {
    const { data, error } = await client.GET('/health');
    setHealth(((data ?? error) as Health | undefined) ?? null);
  };
  useEffect(() => void load(), []);
  return (
    <section class="card" aria-label="Health">
      <h2>Health</h2>
      {!health && <p class="muted">Asking…</p>}
      {health && (
        <dl class="facts">
          <dt>Overall</dt>
          <dd>{health.status}</dd>
          {Object.entries(health.details ?? {}).map(([name, detail]) => (
            <>
              <dt>{name}</dt>
              <dd>
                {detail.status}
                {(detail.message ?? detail.reason)
                  ? `: ${String(detail.message ?? detail.reason)}`
                  : ''}
              </dd>
            </>
          ))}
        </dl>
      )}
      <button type="button" class="secondary" onClick={load}>
        Check again
      </button>
    </section>
  );
}

interface ReembedStatus {
  state: string;
  [key: string]: unknown;
}

/** Moving every memory to the configured embedding model: its progress, and a start button. */
export function ReembedPanel() {
  const form = useFormState();
  const [status, setStatus] = useState<ReembedStatus | null>(null);
  const load = () =>
    form.run(async () =>
      setStatus((await call<unknown>(client.GET('/api/v1/admin/reembed'))) as ReembedStatus),
    );
  useEffect(() => {
    void load();
  }, []);
  useEffect(() => {
    if (status?.state !== 'running') return;
    const timer = setTimeout(load, 2000);
    return () => clearTimeout(timer);
  }, [status]);
  const start = () =>
    form.run(async () =>
      setStatus((await call<unknown>(client.POST('/api/v1/admin/reembed'))) as ReembedStatus),
    );
  return (
    <section class="card" aria-label="Re-embedding">
      <h2>Re-embedding</h2>
      {status && (
        <dl class="facts">
          {Object.entries(status).map(([key, value]) => (
            <>
              <dt>{key}</dt>
              <dd>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</dd>
            </>
          ))}
        </dl>
      )}
      <FormMessage form={form} />
      <button type="button" onClick={start} disabled={form.busy || status?.state === 'running'}>
        Start re-embedding
      </button>
    </section>
  );
}

const SAMPLE_MS = 5000;
const SAMPLES = 24;

/** The sum of every series of one metric in Prometheus' text format. */
function total(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && (line[name.length] === '{' || line[name.length] === ' ')) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
    }
  }
  return sum;
}

interface Sample {
  at: number;
  requests: number;
  seconds: number;
  operations: number;
}

function Sparkline({ label, values, unit }: { label: string; values: number[]; unit: string }) {
  const top = Math.max(1e-9, ...values);
  const points = values
    .map((value, i) => `${(i / Math.max(1, SAMPLES - 1)) * 100},${30 - (value / top) * 28}`)
    .join(' ');
  const last = values[values.length - 1];
  return (
    <figure>
      <figcaption>
        {label}: {last === undefined ? '—' : `${last.toFixed(last < 10 ? 2 : 0)} ${unit}`}
      </figcaption>
      <svg
        class="chart"
        viewBox="0 0 100 30"
        preserveAspectRatio="none"
        role="img"
        aria-label={`${label} over the last two minutes`}
      >
        <polyline
          fill="none"
          stroke="currentColor"
          stroke-width="1.5"
          vector-effect="non-scaling-stroke"
          points={points}
        />
      </svg>
    </figure>
  );
}

/** Requests, latency and memory operations from /metrics, sampled while this page is open. */
export function FiguresPanel() {
  const [samples, setSamples] = useState<Sample[]>([]);
  const [problem, setProblem] = useState('');
  useEffect(() => {
    const sample = async () => {
      // /metrics is Prometheus' text, outside the OpenAPI document.
      const response = await fetch('/metrics');
      if (!response.ok) {
        setProblem(`/metrics answered ${response.status} (METRICS_TOKEN guards it).`);
        return;
      }
      const text = await response.text();
      const next = {
        at: Date.now(),
        requests: total(text, 'memory_system_http_request_duration_seconds_count'),
        seconds: total(text, 'memory_system_http_request_duration_seconds_sum'),
        operations: total(text, 'memory_system_memory_operations_total'),
      };
      setSamples((previous) => [...previous, next].slice(-(SAMPLES + 1)));
    };
    // A first figure a second after opening, then one every SAMPLE_MS.
    void sample();
    const first = setTimeout(sample, 1000);
    const timer = setInterval(sample, SAMPLE_MS);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, []);
  // Rates between consecutive samples.
  const steps = samples.slice(1).map((now, i) => {
    const before = samples[i]!;
    const requests = now.requests - before.requests;
    const seconds = Math.max(0.001, (now.at - before.at) / 1000);
    return {
      rate: requests / seconds,
      latency: requests > 0 ? ((now.seconds - before.seconds) / requests) * 1000 : 0,
      operations: (now.operations - before.operations) / seconds,
    };
  });
  return (
    <section class="card" aria-label="Live figures">
      <h2>Live figures</h2>
      {problem && <p class="muted">{problem}</p>}
      <div class="figures">
        <Sparkline label="Requests" unit="/s" values={steps.map((step) => step.rate)} />
        <Sparkline label="Mean latency" unit="ms" values={steps.map((step) => step.latency)} />
        <Sparkline
          label="Memory operations"
          unit="/s"
          values={steps.map((step) => step.operations)}
        />
      </div>
    </section>
  );
}
