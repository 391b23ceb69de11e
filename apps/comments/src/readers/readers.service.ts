import { Injectable } from '@nestjs/common';
import { DomainError, UserSanctionPayload } from '@app/contracts';
import { ReadersRepository } from './readers.repository';

/** Who may post: readers banned or suspended (per moderation's events) may not. */
@Injectable()
export class ReadersService {
  constructor(private readonly repository: ReadersRepository) {}

  recordSanction(sanction: UserSanctionPayload): Promise<void> {
    return this.repository.addSanction(sanction.userId, {
      sanctionId: sanction.sanctionId,
      kind: sanction.kind,
      ...(sanction.until ? { until: sanction.until } : {}),
      reason: sanction.reason,
      lifted: false,
    });
  }

  liftSanction(sanction: UserSanctionPayload): Promise<void> {
    return this.repository.liftSanction(sanction.userId, sanction.sanctionId);
  }

  /** Throws 403 with until when, if the reader may not post now. */
  async assertMayPost(readerId: string, now = new Date()): Promise<void> {
    const reader = await this.repository.findById(readerId);
    const active = (reader?.sanctions ?? []).filter((s) => !s.lifted && (!s.until || s.until > now));
    const ban = active.find((s) => s.kind === 'ban');
    if (ban) throw new DomainError('forbidden', 'reader_banned', `you are banned from commenting: ${ban.reason}`, { reason: ban.reason });
    const suspensions = active.filter((s) => s.kind === 'suspend');
    if (suspensions.length) {
      const until = new Date(Math.max(...suspensions.map((s) => s.until!.getTime())));
      throw new DomainError('forbidden', 'reader_suspended', `you are suspended from commenting until ${until.toISOString()}: ${suspensions[0].reason}`, {
        until: until.toISOString(),
        reason: suspensions[0].reason,
      });
    }
  }
}
