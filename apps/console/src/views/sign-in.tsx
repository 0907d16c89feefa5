import { useState } from 'preact/hooks';
import { signIn, type Schemas } from '../api';
import { Field, FormMessage, useFormState } from '../form';

export function SignIn({ onSignedIn }: { onSignedIn: (user: Schemas['UserView']) => void }) {
  const form = useFormState();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    let user: Schemas['UserView'] | undefined;
    void form
      .run(async () => {
        user = await signIn(username, password);
      })
      .then((ok) => ok && user && onSignedIn(user));
  };
  return (
    <main class="sign-in">
      <h1>memory-system</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <Field label="Username" name="username" form={form}>
          {(props) => (
            <input
              {...props}
              autocomplete="username"
              required
              value={username}
              onInput={(e) => setUsername(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="Password" name="password" form={form}>
          {(props) => (
            <input
              {...props}
              type="password"
              autocomplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          )}
        </Field>
        <FormMessage form={form} />
        <button type="submit" disabled={form.busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
