import type { TestApp } from './test-app.js';

/** An API key of the agent's account that may read and write and act for its subjects. */
export async function subjectsKey(agent: TestApp['api']): Promise<string> {
  const res = await agent
    .post('/api/v1/auth/api-keys')
    .send({ name: 'app', scopes: ['memories:read', 'memories:write', 'subjects'] })
    .expect(201);
  return res.body.key as string;
}

/** Requests with `key`, acting for `subject` when one is named (X-Memory-Subject). */
export function actingFor(t: () => TestApp, key: () => string, subject?: string) {
  const headers = (): Record<string, string> => ({
    'X-API-Key': key(),
    ...(subject ? { 'X-Memory-Subject': subject } : {}),
  });
  return {
    get: (path: string) => t().http.get(path).set(headers()),
    post: (path: string) => t().http.post(path).set(headers()),
    patch: (path: string) => t().http.patch(path).set(headers()),
    delete: (path: string) => t().http.delete(path).set(headers()),
  };
}
