import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Actor, DomainError, ROLES, Role } from '@app/contracts';

/**
 * The gateway authenticates; the services behind it learn who acts from these headers, which
 * only the gateway can send (the services' ports are not exposed).
 */
export const ACTOR_HEADERS = { id: 'x-actor-id', name: 'x-actor-name', roles: 'x-actor-roles' } as const;

export const actorToHeaders = (actor: Actor): Record<string, string> => ({
  [ACTOR_HEADERS.id]: encodeURIComponent(actor.id),
  [ACTOR_HEADERS.name]: encodeURIComponent(actor.name),
  [ACTOR_HEADERS.roles]: actor.roles.join(','),
});

export function actorFromHeaders(headers: Record<string, unknown>): Actor | undefined {
  const id = headers[ACTOR_HEADERS.id];
  const name = headers[ACTOR_HEADERS.name];
  if (typeof id !== 'string' || typeof name !== 'string') return undefined;
  const roles = String(headers[ACTOR_HEADERS.roles] ?? '')
    .split(',')
    .filter((role): role is Role => (ROLES as readonly string[]).includes(role));
  return { id: decodeURIComponent(id), name: decodeURIComponent(name), roles };
}

/** The acting user in a service behind the gateway; 401 when the gateway sent none. */
export const ActingUser = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = actorFromHeaders(context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers);
  if (!actor) throw new DomainError('unauthenticated', 'actor_missing', 'no acting user');
  return actor;
});
