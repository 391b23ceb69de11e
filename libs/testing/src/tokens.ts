import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Role } from '@app/contracts';

export interface TokenOptions {
  sub?: string;
  name?: string;
  roles?: Role[];
  expiresInSeconds?: number;
  /** `iss` and `aud` claims, for a gateway configured with JWT_ISSUER / JWT_AUDIENCE. */
  issuer?: string;
  audience?: string;
}

/**
 * A token as the news site's login would issue it: HS256, signed here with node:crypto because
 * jsonwebtoken's sign costs milliseconds, and the fuzz suite signs ten thousand of them.
 */
export function signToken(
  secret: string,
  { sub = 'user-1', name = 'Test User', roles = ['reader'], expiresInSeconds = 3600, issuer, audience }: TokenOptions = {},
) {
  const iat = Math.floor(Date.now() / 1000);
  const payload = { sub, name, roles, iat, exp: iat + expiresInSeconds, ...(issuer ? { iss: issuer } : {}), ...(audience ? { aud: audience } : {}) };
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/**
 * Tokens an attacker might try. Each would otherwise be an editor's (or admin's), so a gateway
 * that accepted one would open doors a reader's token does not. With `expect` (the issuer and
 * audience a gateway checks), the wrong-issuer/audience kinds are right in every other way.
 */
export const badTokens = (secret: string, expect: { issuer?: string; audience?: string } = {}) => {
  const claims = { sub: 'u', name: 'U', roles: ['admin'] };
  const iss = expect.issuer ? { issuer: expect.issuer } : {};
  const aud = expect.audience ? { audience: expect.audience } : {};
  return {
    expired: jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, secret, { algorithm: 'HS256', ...iss, ...aud }),
    notYetValid: jwt.sign(claims, secret, { algorithm: 'HS256', notBefore: 3600, ...iss, ...aud }),
    wrongSignature: jwt.sign(claims, `${secret}-not-it`, { algorithm: 'HS256', ...iss, ...aud }),
    algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, ...(expect.issuer ? { iss: expect.issuer } : {}), ...(expect.audience ? { aud: expect.audience } : {}) })}.`,
    // The right secret but another algorithm: only HS256 is accepted.
    otherAlgorithm: jwt.sign(claims, secret, { algorithm: 'HS512', ...iss, ...aud }),
    garbage: 'not-a-token',
    noRoles: jwt.sign({ ...claims, roles: [] }, secret, { algorithm: 'HS256', ...iss, ...aud }),
    unknownRole: jwt.sign({ ...claims, roles: ['superuser'] }, secret, { algorithm: 'HS256', ...iss, ...aud }),
    noSubject: jwt.sign({ name: 'U', roles: ['admin'] }, secret, { algorithm: 'HS256', ...iss, ...aud }),
    // Valid in every other way, but it would never expire, or lives longer than the gateway's bound (24 h by default).
    noExpiry: jwt.sign(claims, secret, { algorithm: 'HS256', ...iss, ...aud }),
    tooLong: jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn: 30 * 86_400, ...iss, ...aud }),
  };
};

export type BadTokenKind = keyof ReturnType<typeof badTokens>;

/**
 * Admin tokens with the right key that only a gateway checking JWT_ISSUER and JWT_AUDIENCE
 * refuses: a token the login minted for another application sharing the key.
 */
export const issuerAudienceTokens = (secret: string, expect: { issuer: string; audience: string }) => {
  const claims = { sub: 'u', name: 'U', roles: ['admin'] };
  return {
    wrongIssuer: jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn: 3600, issuer: 'https://evil.example', audience: expect.audience }),
    wrongAudience: jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn: 3600, issuer: expect.issuer, audience: 'another-app' }),
    noIssuerNoAudience: jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn: 3600 }),
  };
};

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
