import { useEffect, useState } from 'preact/hooks';
import { call, client, type Schemas } from '../api';
import { Field, FormMessage, useFormState } from '../form';
import { TableHead } from '../table-head';

type Scope = Schemas['CreateApiKeyDto']['scopes'] extends Array<infer S> | undefined ? S : never;
const SCOPES: Scope[] = ['memories:read', 'memories:write', 'sessions', 'subjects', 'admin'];

/** The new key, shown this once, with a button that copies it. */
function NewKey({
  created,
  onDone,
}: {
  created: Schemas['CreatedApiKeyView'];
  onDone: () => void;
}) {
  const [copied, setCopied] = useState('');
  const copy = () =>
    navigator.clipboard.writeText(created.key).then(
      () => setCopied('Copied.'),
      () => setCopied('Copying failed: select the key and copy it.'),
    );
  return (
    <div class="card notice" role="status">
      <p>
        The key <strong>{created.name}</strong> is shown this once: store it now.
      </p>
      <p>
        <code class="secret" aria-label="The new key">
          {created.key}
        </code>
      </p>
      <div class="actions">
        <button type="button" onClick={copy}>
          Copy
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          Done
        </button>
        <span aria-live="polite">{copied}</span>
      </div>
    </div>
  );
}

/** The end users (subjects) the account's keys act for, with how much each holds; erasable. */
function SubjectsTable() {
  const state = useFormState();
  const [subjects, setSubjects] = useState<Schemas['SubjectView'][]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const load = (from?: string) =>
    state.run(async () => {
      const page: Schemas['SubjectListView'] = await call(
        client.GET('/api/v1/subjects', { params: { query: from ? { cursor: from } : {} } }),
      );
      setSubjects(from ? [...subjects, ...page.items] : page.items);
      setCursor(page.nextCursor);
    });
  useEffect(() => void load(), []);
  // Erasing asks first, in the page (as a restore does): it cannot be undone.
  const [erasing, setErasing] = useState<string | null>(null);
  const erase = (id: string) =>
    state.run(async () => {
      await call(client.DELETE('/api/v1/subjects/{id}', { params: { path: { id } } }));
      setErasing(null);
      await load();
    });
  return (
    <section class="card" aria-label="Subjects">
      <h2>Subjects</h2>
      <p class="muted">
        End users a key with the subjects scope acts for (header X-Memory-Subject), each with
        memories of its own.
      </p>
      <FormMessage form={state} />
      {erasing && (
        <div class="card notice" role="alertdialog" aria-label="Confirm erasure">
          <p>
            Erase everything of the subject <strong>{erasing}</strong> (memories, versions,
            sessions)? This cannot be undone.
          </p>
          <div class="actions">
            <button type="button" class="danger" onClick={() => erase(erasing)}>
              Erase {erasing}
            </button>
            <button type="button" class="secondary" onClick={() => setErasing(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {subjects.length === 0 ? (
        <p>No subjects yet.</p>
      ) : (
        <table class="table" aria-label="Subjects">
          <TableHead columns={['Subject', 'Memories', 'Last activity']} actions />
          <tbody>
            {subjects.map((subject) => (
              <tr key={subject.id}>
                <td>
                  <code>{subject.id}</code>
                </td>
                <td>{subject.memories}</td>
                <td>{new Date(subject.lastActivityAt).toLocaleString()}</td>
                <td>
                  <button
                    type="button"
                    class="danger"
                    onClick={() => setErasing(subject.id)}
                    aria-label={`Erase subject ${subject.id}`}
                  >
                    Erase
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" class="secondary" onClick={() => load(cursor)}>
          More subjects
        </button>
      )}
    </section>
  );
}

export function KeysView({ user }: { user: Schemas['UserView'] }) {
  const form = useFormState();
  const list = useFormState();
  const [keys, setKeys] = useState<Schemas['ApiKeyViewDto'][]>([]);
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['memories:read', 'memories:write']);
  const [created, setCreated] = useState<Schemas['CreatedApiKeyView'] | null>(null);

  const load = () =>
    list.run(async () => {
      const page: Schemas['ApiKeyPageView'] = await call(client.GET('/api/v1/auth/api-keys'));
      setKeys(page.items);
    });
  useEffect(() => void load(), []);

  const create = (event: Event) => {
    event.preventDefault();
    void form.run(async () => {
      const body = { name, scopes, ...(days ? { expiresInDays: Number(days) } : {}) };
      setCreated(await call(client.POST('/api/v1/auth/api-keys', { body })));
      setName('');
      await load();
    });
  };
  const revoke = (id: string) =>
    list.run(async () => {
      await call(client.DELETE('/api/v1/auth/api-keys/{id}', { params: { path: { id } } }));
      await load();
    });

  return (
    <div>
      {created && <NewKey created={created} onDone={() => setCreated(null)} />}
      <form class="card" onSubmit={create} aria-label="New API key">
        <h2>New API key</h2>
        <div class="row">
          <Field label="Key name" name="name" form={form}>
            {(props) => (
              <input {...props} value={name} onInput={(e) => setName(e.currentTarget.value)} />
            )}
          </Field>
          <Field label="Expires in days (empty: never)" name="expiresInDays" form={form}>
            {(props) => (
              <input
                {...props}
                inputMode="numeric"
                value={days}
                onInput={(e) => setDays(e.currentTarget.value)}
              />
            )}
          </Field>
        </div>
        <fieldset>
          <legend>Scopes</legend>
          {SCOPES.filter((scope) => scope !== 'admin' || user.role === 'admin').map((scope) => (
            <label class="check">
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) =>
                  setScopes(
                    e.currentTarget.checked
                      ? [...scopes, scope]
                      : scopes.filter((other) => other !== scope),
                  )
                }
              />{' '}
              {scope}
            </label>
          ))}
          {form.fields.scopes && <p class="field-error">{form.fields.scopes}</p>}
        </fieldset>
        <FormMessage form={form} />
        <button type="submit" disabled={form.busy}>
          Create key
        </button>
      </form>
      <FormMessage form={list} />
      <table class="table" aria-label="API keys">
        <TableHead columns={['Name', 'Prefix', 'Scopes', 'Expires', 'Last used']} actions />
        <tbody>
          {keys.map((key) => (
            <tr key={key.id}>
              <td>{key.name}</td>
              <td>
                <code>{key.prefix}</code>
              </td>
              <td>{key.scopes.join(', ')}</td>
              <td>{key.expiresAt ? new Date(key.expiresAt).toLocaleDateString() : 'never'}</td>
              <td>{key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString() : 'never'}</td>
              <td>
                <button
                  type="button"
                  class="danger"
                  onClick={() => revoke(key.id)}
                  aria-label={`Revoke ${key.name}`}
                >
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <SubjectsTable />
    </div>
  );
}
