import jwt from 'jsonwebtoken';
import { Role } from '@app/contracts';

export interface TokenOptions {
  sub?: string;
  name?: string;
  roles?: Role[];
  expiresInSeconds?: number;
}

/** A token as the news site's login would issue it. */
export function signToken(secret: string, { sub = 'user-1', name = 'Test User', roles = ['reader'], expiresInSeconds = 3600 }: TokenOptions = {}) {
  return jwt.sign({ sub, name, roles }, secret, { algorithm: 'HS256', expiresIn: expiresInSeconds });
}

/** Tokens an attacker might try. */
export const badTokens = (secret: string) => ({
  expired: jwt.sign({ sub: 'u', name: 'U', roles: ['editor'], exp: Math.floor(Date.now() / 1000) - 60 }, secret, { algorithm: 'HS256' }),
  wrongSignature: jwt.sign({ sub: 'u', name: 'U', roles: ['editor'] }, `${secret}-not-it`, { algorithm: 'HS256' }),
  algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u', name: 'U', roles: ['editor'] })}.`,
  garbage: 'not-a-token',
  noRoles: jwt.sign({ sub: 'u', name: 'U', roles: [] }, secret, { algorithm: 'HS256' }),
});

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
