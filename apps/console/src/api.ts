import { createMemoryClient, type components } from '@memory-system/api-client';

export type Schemas = components['schemas'];
export type Memory = Schemas['MemoryView'];
export type ScoredMemory = Schemas['ScoredMemoryView'];

/** What the API said was wrong (RFC 9457), with the fields it named. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface ProblemBody {
  title?: string;
  detail?: string;
  errors?: Array<{ field: string; messages: string[] }>;
}

function problemFrom(response: Response, body: unknown): ApiProblem {
  const problem = (body ?? {}) as ProblemBody;
  const fields: Record<string, string> = {};
  for (const error of problem.errors ?? []) fields[error.field] = error.messages.join('; ');
  return new ApiProblem(
    response.status,
    problem.detail || problem.title || `The service answered ${response.status}.`,
    fields,
  );
}

/**
 * The signed-in session: both tokens live in this module's memory and nowhere else (no
 * localStorage, no cookie), so a reload signs out, no other site's request carries them (no CSRF),
 * and a script would first have to run in this page to read them, which the console's CSP forbids
 * for any script not served by the service itself.
 */
let tokens: { access: string; refresh: string } | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let onSignedOut: () => void = () => undefined;

export const client = createMemoryClient({ baseUrl: location.origin });
client.use({
  onRequest({ request }) {
    if (tokens) request.headers.set('Authorization', `Bearer ${tokens.access}`);
    return request;
  },
});

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The answer's body, or the API's problem thrown. */
export async function call<T>(answer: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await answer;
  if (!response.ok) {
    if (response.status === 401 && tokens) signOut();
    throw problemFrom(response, error);
  }
  return data as T;
}

function keep(pair: Schemas['TokenPairView']): void {
  tokens = { access: pair.accessToken, refresh: pair.refreshToken };
  clearTimeout(refreshTimer);
  // A fresh access token shortly before this one expires; a failure signs out.
  refreshTimer = setTimeout(
    () => {
      if (!tokens) return;
      call(client.POST('/api/v1/auth/refresh', { body: { refreshToken: tokens.refresh } }))
        .then(keep)
        .catch(() => signOut());
    },
    Math.max(5, pair.expiresIn - 30) * 1000,
  );
}

export async function signIn(username: string, password: string): Promise<Schemas['UserView']> {
  keep(await call(client.POST('/api/v1/auth/login', { body: { username, password } })));
  return call(client.GET('/api/v1/auth/me'));
}

export function signOut(): void {
  const refreshToken = tokens?.refresh;
  tokens = null;
  clearTimeout(refreshTimer);
  if (refreshToken) {
    // Ends the login session on the server too; the page forgets it either way.
    void client.POST('/api/v1/auth/logout', { body: { refreshToken } }).catch(() => undefined);
  }
  onSignedOut();
}

export function whenSignedOut(listener: () => void): void {
  onSignedOut = listener;
}
