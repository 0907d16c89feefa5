import { SetMetadata } from '@nestjs/common';
import type { Role } from './caller.js';

/** What a credential may do. A password login may do everything its role allows. */
export const SCOPES = ['memories:read', 'memories:write', 'sessions', 'subjects', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** What a new API key carries when its creator names no scopes. */
export const DEFAULT_KEY_SCOPES: readonly Scope[] = ['memories:read', 'memories:write'];

/**
 * What keys made before scopes existed carry: everything they could reach except `admin`
 * (an admin who wants a key for admin work creates one that names it).
 */
export const LEGACY_KEY_SCOPES: readonly Scope[] = ['memories:read', 'memories:write', 'sessions'];

/** Every scope a role can hold: a user's credentials never carry `admin`. */
export function scopesOfRole(role: Role): Scope[] {
  return SCOPES.filter((scope) => scope !== 'admin' || role === 'admin');
}

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

export const REQUIRED_SCOPES = 'auth:scopes';
export const PASSWORD_LOGIN_ONLY = 'auth:password-login-only';

/** The route needs every one of these scopes (a 403 names the first one missing). */
export const RequireScopes = (...scopes: Scope[]) => SetMetadata(REQUIRED_SCOPES, scopes);

/** The route needs a password login's access token: an API key never reaches it. */
export const PasswordLoginOnly = () => SetMetadata(PASSWORD_LOGIN_ONLY, true);
