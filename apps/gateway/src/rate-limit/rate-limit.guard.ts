import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { Actor, DomainError } from '@app/contracts';

export const RATE_LIMITED = 'rate-limit:on';

/** Routes that write on a reader's behalf (posting, reporting) are limited; reads are not. */
export const RateLimited = () => SetMetadata(RATE_LIMITED, true);

/**
 * Limits per reader (the token's subject) and per client address, with @nestjs/throttler.
 * A refusal is a 429 in our error shape with a plain `Retry-After` (seconds).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.getType() !== 'http' || !this.reflector.get<boolean>(RATE_LIMITED, context.getHandler());
  }

  /**
   * One counter per reader (and per address) across every limited route: the default key also
   * names the route, which gave a reader the limit once for posting, again for editing, again
   * for reporting.
   */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const reply = context.switchToHttp().getResponse<{ header(name: string, value: string): void }>();
    reply.header('Retry-After', String(Math.max(1, detail.timeToBlockExpire)));
    const per = detail.key.includes('reader') ? 'reader' : 'address';
    throw new DomainError('rate_limited', 'rate_limited', `too many requests from this ${per}; retry in ${Math.max(1, detail.timeToBlockExpire)} s`, {
      limit: detail.limit,
      windowSeconds: Math.round(detail.ttl / 1000),
    });
  }
}

/** Throttler trackers: the reader's id, or the client address (behind a trusted proxy, its X-Forwarded-For). */
export const readerTracker = (req: Record<string, unknown>) => (req.user as Actor | undefined)?.id ?? `anonymous:${String(req.ip)}`;
export const addressTracker = (req: Record<string, unknown>) => String(req.ip);
