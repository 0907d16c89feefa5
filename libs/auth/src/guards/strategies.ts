import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy as CustomStrategy } from 'passport-custom';
import { ExtractJwt, Strategy as JwtStrategyBase } from 'passport-jwt';
import { type Caller, type Scope, scopesOfRole, Unauthenticated } from '@memory-system/core';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { ACCESS_TOKEN_ISSUER, TokenService } from '../tokens/token.service.js';
import { JwtSecret } from '../tokens/jwt-secret.js';
import { UsersService } from '../users/users.service.js';

/**
 * The caller behind a verified credential: a password login holds every scope its role allows;
 * a key holds what it was given, within what its owner's role allows today.
 */
async function activeCaller(
  users: UsersService,
  userId: string,
  via: Caller['via'],
  keyScopes?: readonly Scope[],
): Promise<Caller> {
  const user = await users.findById(userId);
  // A disabled or deleted user's tokens and keys stop working at once.
  if (!user || user.disabled) throw new Unauthenticated('The account is disabled or deleted.');
  const allowed = scopesOfRole(user.role);
  const scopes = keyScopes ? allowed.filter((scope) => keyScopes.includes(scope)) : allowed;
  return { userId: user.id, role: user.role, via, scopes };
}

/** `Authorization: Bearer <access JWT>`, HS256 only (so `alg: none` and RS/HS confusion fail). */
@Injectable()
export class JwtStrategy extends PassportStrategy(JwtStrategyBase, 'jwt') {
  constructor(
    secret: JwtSecret,
    private readonly users: UsersService,
    private readonly tokens: TokenService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt hands it to jsonwebtoken, which takes a KeyObject (its types predate that).
      secretOrKey: secret.key as unknown as Buffer,
      algorithms: ['HS256'],
      issuer: ACCESS_TOKEN_ISSUER,
      ignoreExpiration: false,
    });
  }

  async validate(claims: { sub?: unknown; typ?: unknown; fam?: unknown }): Promise<Caller> {
    if (claims.typ !== 'access' || typeof claims.sub !== 'string') {
      throw new Unauthenticated('Not an access token.');
    }
    // Looked up in the shared state store: an ended session is ended on every replica.
    if (typeof claims.fam === 'string' && (await this.tokens.isEnded(claims.fam))) {
      throw new Unauthenticated(
        'This login session was ended (logout, a password change or a reused refresh token): log in again.',
      );
    }
    return activeCaller(this.users, claims.sub, 'jwt');
  }
}

/** `X-API-Key: msk_…`, or the same key as `Authorization: Bearer msk_…`. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(CustomStrategy, 'api-key') {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly users: UsersService,
  ) {
    super();
  }

  async validate(req: FastifyRequest): Promise<Caller | false> {
    const header = req.headers['x-api-key'];
    const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, '');
    const key = typeof header === 'string' ? header : bearer;
    if (!key?.startsWith('msk_')) return false;
    const owner = await this.keys.authenticate(key);
    if (!owner) throw new Unauthenticated('The API key is invalid, revoked or expired.');
    return activeCaller(this.users, owner.userId, 'api-key', owner.scopes);
  }
}
