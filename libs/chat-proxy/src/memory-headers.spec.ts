import type { AppConfig, Caller } from '@memory-system/core';
import type { FastifyRequest } from 'fastify';
import { memoryOptions } from './memory-headers.js';

const SESSION = '0b0c1f4e-52a4-4c1a-9a53-0d2f2a3b4c5d';
const caller = (...scopes: Caller['scopes'][number][]): Caller => ({
  userId: 'u',
  role: 'user',
  via: 'api-key',
  scopes,
});
const config = (learn: boolean) => ({ proxy: { memoryTokens: 1000, learn } }) as AppConfig;
const req = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;
const all = caller('memories:read', 'memories:write', 'sessions');

describe('memoryOptions', () => {
  it('learns by default, when the caller may write and the deployment allows it', () => {
    expect(memoryOptions(req({}), all, config(true))).toEqual({
      off: false,
      sessionId: undefined,
      learn: true,
    });
    expect(memoryOptions(req({}), all, config(false)).learn).toBe(false);
    expect(memoryOptions(req({}), caller('memories:read'), config(true)).learn).toBe(false);
    expect(memoryOptions(req({ 'x-memory-learn': 'FALSE' }), all, config(true)).learn).toBe(false);
  });

  it('mode off adds nothing and learns nothing, whatever else is asked', () => {
    expect(
      memoryOptions(req({ 'x-memory-mode': 'off', 'x-memory-session': 'nope' }), all, config(true)),
    ).toEqual({ off: true, sessionId: undefined, learn: false });
  });

  it('takes a session id only as a UUID and only with the sessions scope', () => {
    expect(memoryOptions(req({ 'x-memory-session': SESSION }), all, config(true)).sessionId).toBe(
      SESSION,
    );
    expect(() => memoryOptions(req({ 'x-memory-session': 'nope' }), all, config(true))).toThrow(
      /UUID/,
    );
    expect(() =>
      memoryOptions(req({ 'x-memory-session': SESSION }), caller('memories:read'), config(true)),
    ).toThrow(/sessions/);
  });
});
