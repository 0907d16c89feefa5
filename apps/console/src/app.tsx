import { useEffect, useState } from 'preact/hooks';
import { signOut, whenSignedOut, type Schemas } from './api';
import { SignIn } from './views/sign-in';
import { MemoriesView } from './views/memories';
import { KeysView } from './views/keys';
import { AdminView } from './views/admin';
import { SessionsView } from './views/sessions';
import { ExtractView } from './views/extract';

const PAGES = {
  memories: { title: 'Memories', view: MemoriesView, admin: false },
  sessions: { title: 'Sessions', view: SessionsView, admin: false },
  extract: { title: 'Extraction', view: ExtractView, admin: false },
  keys: { title: 'API keys', view: KeysView, admin: false },
  admin: { title: 'Admin', view: AdminView, admin: true },
} as const;
type Page = keyof typeof PAGES;

/** The page named by the URL's fragment (#/keys), so that back and forward work. */
function pageFromHash(): Page {
  const name = location.hash.replace(/^#\/?/, '');
  return name in PAGES ? (name as Page) : 'memories';
}

export function App() {
  const [user, setUser] = useState<Schemas['UserView'] | null>(null);
  const [page, setPage] = useState<Page>(pageFromHash);
  useEffect(() => {
    whenSignedOut(() => setUser(null));
    const onHash = () => setPage(pageFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  if (!user) return <SignIn onSignedIn={setUser} />;
  const View = PAGES[page].view;
  return (
    <div class="shell">
      <header class="topbar">
        <span class="brand">memory-system</span>
        <nav aria-label="Sections">
          {(Object.keys(PAGES) as Page[])
            .filter((name) => !PAGES[name].admin || user.role === 'admin')
            .map((name) => (
              <a href={`#/${name}`} aria-current={name === page ? 'page' : undefined}>
                {PAGES[name].title}
              </a>
            ))}
        </nav>
        <span class="who">{user.username}</span>
        <button type="button" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main>
        <h1>{PAGES[page].title}</h1>
        <View user={user} />
      </main>
    </div>
  );
}
