import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import jwt from 'jsonwebtoken';
import { Actor, DomainError, ROLES, Role } from '@app/contracts';
import { hasRole, secretKeyOf } from '@app/http';
import { GatewayConfig } from '../gateway.config';
import { ErasedReaders } from '../reader-data/erased-readers';
import { PUBLIC_ROUTE, REQUIRED_ROLES } from './auth.decorators';

interface Claims {
  exp?: unknown;
  iat?: unknown;
  sub?: unknown;
  name?: unknown;
  roles?: unknown;
}

const unauthenticated = (message: string) => new DomainError('unauthenticated', 'unauthenticated', message);

/**
 * Every route needs a valid bearer token from the news site's login (HS256 only: `alg: none`
 * and other algorithms are refused), unless marked @Public. @Roles then narrows who may call.
 * A token must expire, within JWT_MAX_TTL_SECONDS: a leaked one is not a key for ever. An erased
 * reader's tokens issued before the erasure are refused (401 account_erased).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: GatewayConfig,
    private readonly erased: ErasedReaders,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: Actor }>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) ?? false;
    const header = request.headers.authorization;
    if (!header) {
      if (isPublic) return true;
      throw unauthenticated('this route needs a bearer token');
    }
    request.user = await this.verify(header);
    const required = this.reflector.getAllAndOverride<Role[]>(REQUIRED_ROLES, targets);
    if (!hasRole(request.user.roles, required)) {
      throw new DomainError('forbidden', 'forbidden', `this route needs the role ${required.join(' or ')}`);
    }
    return true;
  }

  private async verify(header: string): Promise<Actor> {
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw unauthenticated('authorization must be "Bearer <token>"');
    let claims: Claims;
    try {
      // jsonwebtoken with the secret as a KeyObject made once (secretKeyOf: a string costs a failed PEM parse per call).
      claims = jwt.verify(token, secretKeyOf(this.config.JWT_SECRET), {
        algorithms: ['HS256'],
        ...(this.config.JWT_ISSUER ? { issuer: this.config.JWT_ISSUER } : {}),
        ...(this.config.JWT_AUDIENCE ? { audience: this.config.JWT_AUDIENCE } : {}),
      }) as Claims;
    } catch (error) {
      const expired = (error as Error).name === 'TokenExpiredError';
      throw unauthenticated(expired ? 'the token has expired' : 'the token is not valid');
    }
    // jsonwebtoken checks `exp` only when present; a token without one would never expire.
    if (typeof claims.exp !== 'number') throw unauthenticated('the token has no expiry (exp)');
    const now = Math.floor(Date.now() / 1000);
    const max = this.config.JWT_MAX_TTL_SECONDS;
    // Both bounds: an `iat` written late must not hide an `exp` far away.
    if (claims.exp - now > max || (typeof claims.iat === 'number' && claims.exp - claims.iat > max)) {
      throw unauthenticated(`the token lives longer than ${max} seconds`);
    }
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is Role => (ROLES as readonly unknown[]).includes(r)) : [];
    if (typeof claims.sub !== 'string' || !claims.sub || typeof claims.name !== 'string' || !claims.name.trim() || !roles.length) {
      throw unauthenticated('the token lacks a subject, a name or a known role');
    }
    // An erased reader's tokens (those issued before the erasure) are refused: see reader-data/.
    if (this.erased.refuses(claims.sub, typeof claims.iat === 'number' ? claims.iat : undefined)) {
      throw new DomainError('unauthenticated', 'account_erased', 'this account was erased; its tokens are no longer accepted');
    }
    return { id: claims.sub, name: claims.name.trim(), roles };
  }
}
