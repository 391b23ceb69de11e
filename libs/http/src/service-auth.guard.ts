import { CanActivate, ExecutionContext, Injectable, Module } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { ServiceConfig } from '@app/config';
import { Actor, DomainError, Role } from '@app/contracts';
import { hasRole, REQUIRED_ROLES, SERVICE_AUTH_EXEMPT, SERVICE_AUTH_HEADER, verifyServiceCall } from './service-auth';

/**
 * Every route of a service behind the gateway: the call must carry the gateway's signature for
 * this method and path (401 otherwise), and its actor the route's role (403 otherwise).
 */
@Injectable()
export class ServiceAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: ServiceConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(SERVICE_AUTH_EXEMPT, targets)) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown>; method: string; url: string; actor?: Actor }>();
    request.actor = verifyServiceCall(this.config.SERVICE_AUTH_SECRET, request.headers[SERVICE_AUTH_HEADER], request.method, request.url);
    const required = this.reflector.getAllAndOverride<Role[]>(REQUIRED_ROLES, targets);
    if (required?.length) {
      if (!request.actor) throw new DomainError('unauthenticated', 'actor_missing', 'no acting user');
      if (!hasRole(request.actor.roles, required)) throw new DomainError('forbidden', 'forbidden', `this route needs the role ${required.join(' or ')}`);
    }
    return true;
  }
}

/** Imported by each service behind the gateway (not by the gateway). */
@Module({ providers: [{ provide: APP_GUARD, useClass: ServiceAuthGuard }] })
export class ServiceAuthModule {}
