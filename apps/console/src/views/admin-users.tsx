import { useEffect, useState } from 'preact/hooks';
import { call, client, type Schemas } from '../api';
import { Field, type FormState, FormMessage, useFormState } from '../form';
import { TableHead } from '../table-head';

type User = Schemas['UserView'];

/** A password being set (a new account's or a reset), with the API's message about it beside it. */
function NewPasswordField(props: {
  label: string;
  form: FormState;
  value: string;
  onInput: (value: string) => void;
}) {
  return (
    <Field label={props.label} name="password" form={props.form}>
      {(field) => (
        <input
          {...field}
          type="password"
          autocomplete="new-password"
          value={props.value}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}

function ResetPassword({ user, onDone }: { user: User; onDone: () => void }) {
  const form = useFormState();
  const [password, setPassword] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    void form
      .run(() =>
        call(
          client.PATCH('/api/v1/admin/users/{id}', {
            params: { path: { id: user.id } },
            body: { password },
          }),
        ),
      )
      .then((ok) => ok && onDone());
  };
  return (
    <form onSubmit={submit} aria-label={`New password for ${user.username}`}>
      <NewPasswordField
        label={`New password for ${user.username}`}
        form={form}
        value={password}
        onInput={setPassword}
      />
      <FormMessage form={form} />
      <button type="submit" disabled={form.busy}>
        Set password
      </button>
    </form>
  );
}

/** Accounts: create, disable or enable, reset a password. */
export function UsersPanel({ me }: { me: User }) {
  const form = useFormState();
  const list = useFormState();
  const [users, setUsers] = useState<User[]>([]);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<'user' | 'admin'>('user');
  const [resetting, setResetting] = useState<string | null>(null);

  const load = () =>
    list.run(async () => {
      const page: Schemas['UserPageView'] = await call(client.GET('/api/v1/admin/users'));
      setUsers(page.items);
    });
  useEffect(() => void load(), []);

  const create = (event: Event) => {
    event.preventDefault();
    void form.run(async () => {
      await call(client.POST('/api/v1/admin/users', { body: { username, password, role } }));
      setUsername('');
      setPassword('');
      await load();
    });
  };
  const setDisabled = (user: User, disabled: boolean) =>
    list.run(async () => {
      await call(
        client.PATCH('/api/v1/admin/users/{id}', {
          params: { path: { id: user.id } },
          body: { disabled },
        }),
      );
      await load();
    });

  return (
    <section class="card" aria-label="Users">
      <h2>Users</h2>
      <form onSubmit={create} aria-label="New user">
        <div class="row">
          <Field label="New username" name="username" form={form}>
            {(props) => (
              <input
                {...props}
                value={username}
                onInput={(e) => setUsername(e.currentTarget.value)}
              />
            )}
          </Field>
          <NewPasswordField
            label="Initial password"
            form={form}
            value={password}
            onInput={setPassword}
          />
          <Field label="Role" name="role" form={form}>
            {(props) => (
              <select
                {...props}
                value={role}
                onChange={(e) => setRole(e.currentTarget.value as 'user' | 'admin')}
              >
                <option value="user">user</option>
                <option value="admin">admin</option>
              </select>
            )}
          </Field>
        </div>
        <FormMessage form={form} />
        <button type="submit" disabled={form.busy}>
          Create user
        </button>
      </form>
      <FormMessage form={list} />
      <table class="table" aria-label="User accounts">
        <TableHead columns={['Username', 'Role', 'State']} actions />
        <tbody>
          {users.map((user) => (
            <tr key={user.id}>
              <td>{user.username}</td>
              <td>{user.role}</td>
              <td>{user.disabled ? 'disabled' : 'active'}</td>
              <td>
                {user.id !== me.id && (
                  <button
                    type="button"
                    class="secondary"
                    onClick={() => setDisabled(user, !user.disabled)}
                  >
                    {user.disabled ? 'Enable' : 'Disable'} {user.username}
                  </button>
                )}{' '}
                <button
                  type="button"
                  class="secondary"
                  onClick={() => setResetting(resetting === user.id ? null : user.id)}
                >
                  Reset password of {user.username}
                </button>
                {resetting === user.id && (
                  <ResetPassword user={user} onDone={() => setResetting(null)} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
