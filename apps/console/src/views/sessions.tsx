import { useEffect, useState } from 'preact/hooks';
import { call, client, type Schemas } from '../api';
import { Field, FormMessage, useFormState } from '../form';

type Summary = Schemas['SessionSummaryView'];

/** One session: its context window, and its memories (or those closest to a query). */
function SessionContext({ session }: { session: Summary }) {
  const form = useFormState();
  const [query, setQuery] = useState('');
  const [context, setContext] = useState<Schemas['SessionContextView'] | null>(null);
  const load = (event?: Event) => {
    event?.preventDefault();
    void form.run(async () =>
      setContext(
        await call(
          client.GET('/api/v1/sessions/{id}/context', {
            params: { path: { id: session.id }, query: query ? { query } : {} },
          }),
        ),
      ),
    );
  };
  useEffect(() => load(), [session.id]);
  return (
    <section class="card" aria-label="Session context">
      <h2>{session.title ?? session.id}</h2>
      <form onSubmit={load} role="search">
        <Field label="Memories closest to" name="query" form={form}>
          {(props) => (
            <input
              {...props}
              type="search"
              value={query}
              onInput={(e) => setQuery(e.currentTarget.value)}
            />
          )}
        </Field>
      </form>
      <FormMessage form={form} />
      {context && (
        <>
          <h3>Context window</h3>
          {context.context.length === 0 && <p class="muted">Empty.</p>}
          <ol class="context">
            {context.context.map((item) => (
              <li>
                <strong>{item.role}:</strong> {item.content}
              </li>
            ))}
          </ol>
          <h3>Memories</h3>
          {context.memories.length === 0 && <p class="muted">None.</p>}
          <ul>
            {context.memories.map((memory) => (
              <li>
                {memory.content} <span class="score">score {memory.score.toFixed(3)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function SessionsView() {
  const form = useFormState();
  const [sessions, setSessions] = useState<Summary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [selected, setSelected] = useState<Summary | null>(null);
  const load = (after?: string) =>
    form.run(async () => {
      const page: Schemas['SessionListView'] = await call(
        client.GET('/api/v1/sessions', { params: { query: after ? { cursor: after } : {} } }),
      );
      setSessions((shown) => [...(after ? shown : []), ...page.items]);
      setCursor(page.nextCursor);
    });
  useEffect(() => void load(), []);
  return (
    <div class="split">
      <section aria-label="Session list">
        <FormMessage form={form} />
        {sessions.length === 0 && <p class="muted">No sessions.</p>}
        <ul class="memory-list">
          {sessions.map((session) => (
            <li key={session.id} class={selected?.id === session.id ? 'selected' : undefined}>
              <button type="button" class="link" onClick={() => setSelected(session)}>
                {session.title ?? session.id}
              </button>
              <span class="meta">
                last active {new Date(session.lastActivityAt).toLocaleString()}
              </span>
            </li>
          ))}
        </ul>
        {cursor && (
          <button type="button" class="secondary" onClick={() => load(cursor)}>
            More
          </button>
        )}
      </section>
      {selected && <SessionContext session={selected} />}
    </div>
  );
}
