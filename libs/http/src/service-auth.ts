import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { createSecretKey, KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Actor, DomainError, ROLES, Role } from '@app/contracts';

/**
 * The gateway authenticates readers; the services behind it learn who acts from a short-lived
 * HS256 token the gateway signs for each call, with a secret of its own (SERVICE_AUTH_SECRET), over
 * the actor, the method and the path. A process that reaches a service's port without the secret
 * can neither act as anyone nor replay a signature on another route.
 */
export const SERVICE_AUTH_HEADER = 'x-service-auth';

/** A signature lives this long: a call, queued and retried, is over well within it. */
export const SERVICE_AUTH_TTL_SECONDS = 30;
const ISSUER = 'comments-gateway';

interface CallClaims {
  /** The acting user; absent on calls made for anonymous readers or by the gateway itself. */
  act?: { id?: unknown; name?: unknown; roles?: unknown };
  mth?: unknown;
  pth?: unknown;
}

const keys = new Map<string, KeyObject>();

/**
 * The secret as a KeyObject, made once per secret. Given a string, jsonwebtoken 9 first tries it as
 * a PEM public key and catches the failure, on every sign and verify: the profile put that at 15% of
 * the gateway's CPU under posting load (two signatures per post).
 */
export function secretKeyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

/** The header that authenticates one call: `path` as sent, query string included. */
export function serviceAuthHeaders(secret: string, method: string, path: string, actor?: Actor, ttlSeconds = SERVICE_AUTH_TTL_SECONDS): Record<string, string> {
  const claims: CallClaims = { mth: method.toUpperCase(), pth: path, ...(actor ? { act: { id: actor.id, name: actor.name, roles: actor.roles } } : {}) };
  return { [SERVICE_AUTH_HEADER]: jwt.sign(claims, secretKeyOf(secret), { algorithm: 'HS256', expiresIn: ttlSeconds, issuer: ISSUER }) };
}

const unsigned = (message: string) => new DomainError('unauthenticated', 'unsigned_call', message);

/** The actor of a signed call (undefined for an anonymous one); throws a 401 DomainError for any other header. */
export function verifyServiceCall(secret: string, header: unknown, method: string, url: string): Actor | undefined {
  if (typeof header !== 'string' || !header) throw unsigned('this service answers only calls signed by the gateway');
  let claims: CallClaims;
  try {
    // Services run on hosts with synchronized clocks; a few seconds of skew are tolerated.
    claims = jwt.verify(header, secretKeyOf(secret), { algorithms: ['HS256'], issuer: ISSUER, clockTolerance: 5 }) as CallClaims;
  } catch (error) {
    throw unsigned((error as Error).name === 'TokenExpiredError' ? 'the call signature has expired' : 'the call signature is not valid');
  }
  if (typeof (claims as { exp?: unknown }).exp !== 'number') throw unsigned('the call signature has no expiry');
  if (claims.mth !== method.toUpperCase() || claims.pth !== url) throw unsigned('the call signature is for another request');
  if (claims.act === undefined) return undefined;
  const { id, name, roles } = claims.act;
  if (typeof id !== 'string' || !id || typeof name !== 'string' || !name || !Array.isArray(roles)) throw unsigned('the call signature names no valid actor');
  return { id, name, roles: roles.filter((role): role is Role => (ROLES as readonly unknown[]).includes(role)) };
}

export const SERVICE_AUTH_EXEMPT = 'auth:unsigned';

/** Operators' endpoints (health, metrics) answer unsigned calls; nothing else does. */
export const Unsigned = () => SetMetadata(SERVICE_AUTH_EXEMPT, true);

export const REQUIRED_ROLES = 'auth:roles';

/** The caller needs one of these roles (admin always qualifies); checked by the gateway and again by the service. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

/** Whether someone with these roles may call a route that requires `required`. */
export const hasRole = (roles: readonly Role[], required: readonly Role[] | undefined) =>
  !required?.length || roles.some((role) => role === 'admin' || required.includes(role));

type ActorRequest = { actor?: Actor };

/** The acting user of a signed call; 401 when the gateway signed none. */
export const ActingUser = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<ActorRequest>().actor;
  if (!actor) throw new DomainError('unauthenticated', 'actor_missing', 'no acting user');
  return actor;
});

/** The acting user of a signed call, or undefined for an anonymous reader. */
export const OptionalActingUser = createParamDecorator((_: unknown, context: ExecutionContext): Actor | undefined => context.switchToHttp().getRequest<ActorRequest>().actor);
