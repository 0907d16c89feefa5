import { useEffect, useState } from 'preact/hooks';
import { call, client, type Memory, type ScoredMemory, type Schemas } from '../api';
import { Field, FormMessage, useFormState } from '../form';
import { MemoryDetail } from './memory-detail';
import { MemoryForm } from './memory-form';

const PAGE_SIZE = 20;
type Status = 'current' | 'all' | 'superseded' | 'retracted';
interface Filters {
  type: string;
  tag: string;
  status: Status;
  sessionId: string;
  conversationId: string;
}
const NO_FILTERS: Filters = {
  type: '',
  tag: '',
  status: 'current',
  sessionId: '',
  conversationId: '',
};

/** The score parts a result shows: what the keyword index, the vectors and the reranker gave it. */
const SCORE_PARTS: Array<[keyof Schemas['ScoringView'], string]> = [
  ['keyword', 'keyword'],
  ['vector', 'vector'],
  ['rerank', 'rerank'],
  ['recency', 'recency'],
  ['time', 'time'],
  ['people', 'people'],
  ['answerKind', 'answer kind'],
  ['statement', 'statement'],
];

function ScoreExplanation({ result }: { result: ScoredMemory }) {
  return (
    <span class="score" aria-label="Score explanation">
      score {result.score.toFixed(3)} ({result.scoring.mode}
      {SCORE_PARTS.filter(([key]) => result.scoring[key] !== undefined).map(
        ([key, label]) => `, ${label} ${Number(result.scoring[key]).toFixed(3)}`,
      )}
      )
    </span>
  );
}

function listQuery(filters: Filters, cursor?: string) {
  return {
    limit: PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
    ...(filters.type ? { type: filters.type } : {}),
    ...(filters.tag ? { tag: filters.tag } : {}),
    ...(filters.sessionId ? { sessionId: filters.sessionId } : {}),
    ...(filters.conversationId ? { conversationId: filters.conversationId } : {}),
    ...(filters.status !== 'current' ? { includeSuperseded: true } : {}),
  };
}

const shownFor = (status: Status) => (memory: Memory) =>
  status === 'all' || status === 'current' || memory.status === status;

export function MemoriesView() {
  const filterForm = useFormState();
  const searchForm = useFormState();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [items, setItems] = useState<Memory[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<ScoredMemory[] | null>(null);
  const [selected, setSelected] = useState<Memory | null>(null);
  const [creating, setCreating] = useState(false);

  const load = (next: Filters, after?: string) =>
    filterForm.run(async () => {
      const page: Schemas['MemoryPageView'] = await call(
        client.GET('/api/v1/memories', { params: { query: listQuery(next, after) } }),
      );
      setItems((shown) => [...(after ? shown : []), ...page.items.filter(shownFor(next.status))]);
      setCursor(page.nextCursor);
      setFilters(next);
    });
  useEffect(() => void load(NO_FILTERS), []);

  const search = (event: Event) => {
    event.preventDefault();
    if (!query.trim()) return setResults(null);
    void searchForm.run(async () => {
      const filter = {
        ...(filters.type ? { type: filters.type } : {}),
        ...(filters.tag ? { tags: [filters.tag] } : {}),
        ...(filters.sessionId ? { sessionId: filters.sessionId } : {}),
        ...(filters.conversationId ? { conversationId: filters.conversationId } : {}),
      };
      const found: Schemas['SearchResultsView'] = await call(
        client.POST('/api/v1/memories/search', {
          body: {
            query,
            limit: PAGE_SIZE,
            ...(Object.keys(filter).length ? { filter } : {}),
            ...(filters.status !== 'current' ? { includeSuperseded: true } : {}),
          },
        }),
      );
      // The API answers best first; that order is kept.
      setResults(found.results.filter(shownFor(filters.status)));
    });
  };

  const open = (id: string) =>
    filterForm.run(async () =>
      setSelected(await call(client.GET('/api/v1/memories/{id}', { params: { path: { id } } }))),
    );
  const changed = (memory: Memory | null) => {
    setSelected(memory);
    void load(filters);
    if (results) setResults(results.filter((result) => result.id !== selected?.id || memory));
  };
  const text = (key: keyof Filters, label: string) => (
    <Field label={label} name={key} form={filterForm}>
      {(props) => (
        <input
          {...props}
          value={draft[key]}
          onInput={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })}
        />
      )}
    </Field>
  );

  const shown: Array<Memory | ScoredMemory> = results ?? items;
  return (
    <div class="memories">
      <form class="search" role="search" onSubmit={search}>
        <Field label="Search" name="query" form={searchForm}>
          {(props) => (
            <input
              {...props}
              type="search"
              value={query}
              onInput={(e) => setQuery(e.currentTarget.value)}
            />
          )}
        </Field>
        <FormMessage form={searchForm} />
      </form>
      <details class="filters">
        <summary>Filters</summary>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setResults(null);
            void load(draft);
          }}
        >
          <div class="row">
            {text('type', 'Type')}
            {text('tag', 'Tag')}
            <Field label="Status" name="status" form={filterForm}>
              {(props) => (
                <select
                  {...props}
                  value={draft.status}
                  onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value as Status })}
                >
                  <option value="current">current</option>
                  <option value="all">all</option>
                  <option value="superseded">superseded</option>
                  <option value="retracted">retracted</option>
                </select>
              )}
            </Field>
            {text('sessionId', 'Session')}
            {text('conversationId', 'Conversation')}
          </div>
          <button type="submit">Apply filters</button>
        </form>
      </details>
      <FormMessage form={filterForm} />
      <div class="actions">
        <button type="button" onClick={() => setCreating(true)}>
          New memory
        </button>
        {results && (
          <button type="button" class="secondary" onClick={() => setResults(null)}>
            Back to the list
          </button>
        )}
      </div>
      {creating && (
        <MemoryForm
          onSaved={(memory) => {
            setCreating(false);
            changed(memory);
          }}
          onCancel={() => setCreating(false)}
        />
      )}
      <div class="split">
        <section aria-label={results ? 'Search results' : 'Memory list'}>
          {shown.length === 0 && (
            <p class="muted">{results ? 'Nothing matches.' : 'No memories yet.'}</p>
          )}
          <ul class="memory-list">
            {shown.map((memory) => (
              <li key={memory.id} class={selected?.id === memory.id ? 'selected' : undefined}>
                <button type="button" class="link" onClick={() => open(memory.id)}>
                  {memory.content}
                </button>
                <span class="meta">
                  <span class="badge">{memory.type}</span>
                  {memory.pinned && <span class="badge">pinned</span>}
                  {memory.status !== 'current' && <span class="badge">{memory.status}</span>}
                  {memory.tags.map((tag) => (
                    <span class="tag">{tag}</span>
                  ))}
                  {'score' in memory && <ScoreExplanation result={memory} />}
                </span>
              </li>
            ))}
          </ul>
          {!results && cursor && (
            <button type="button" class="secondary" onClick={() => load(filters, cursor)}>
              More
            </button>
          )}
        </section>
        {selected && <MemoryDetail memory={selected} onChanged={changed} onOpen={open} />}
      </div>
    </div>
  );
}
