import { useEffect, useState } from 'preact/hooks';
import { call, client, type Schemas } from '../api';
import { Field, FormMessage, useFormState } from '../form';

type Scope = Schemas['CreateApiKeyDto']['scopes'] extends Array<infer S> | undefined ? S : never;
const SCOPES: Scope[] = ['memories:read', 'memories:write', 'sessions', 'admin'];

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
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Prefix</th>
            <th scope="col">Scopes</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
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
    </div>
  );
}
