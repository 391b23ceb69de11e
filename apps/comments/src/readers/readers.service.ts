import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DomainError, UserSanctionPayload } from '@app/contracts';
import { PeriodicSnapshot } from '@app/persistence';
import { CommentsConfig } from '../comments.config';
import { ReaderDocument, ReaderSanction } from './reader.schema';
import { ReadersRepository } from './readers.repository';

/** Reader id → the sanctions a post must look at: bans and suspensions, which stop it, and warnings, which it carries. */
export type PostingSanctions = Map<string, ReaderSanction[]>;

const stopsPosting = (s: ReaderSanction) => !s.lifted && (s.kind === 'ban' || s.kind === 'suspend' || s.kind === 'warn');

/** A moderator's warning, as a post's answer carries it until the reader acknowledges it. */
export interface PostingWarning {
  id: string;
  reason: string;
  at?: string;
}

/** The snapshot of every reader's sanctions that may stop them posting; readers without any are absent. */
export function postingSanctionsOf(readers: ReaderDocument[]): PostingSanctions {
  const byReader: PostingSanctions = new Map();
  for (const reader of readers) {
    const sanctions = (reader.sanctions ?? []).filter(stopsPosting);
    if (sanctions.length) byReader.set(reader._id, sanctions);
  }
  return byReader;
}

/** Why a reader with these sanctions may not post at `now` (a suspension's end is compared with now), or null. */
export function postingRefusal(sanctions: ReaderSanction[], now: Date): DomainError | null {
  const active = sanctions.filter((s) => !s.lifted && (!s.until || s.until > now));
  const ban = active.find((s) => s.kind === 'ban');
  if (ban) return new DomainError('forbidden', 'reader_banned', `you are banned from commenting: ${ban.reason}`, { reason: ban.reason });
  const suspensions = active.filter((s) => s.kind === 'suspend');
  if (!suspensions.length) return null;
  const until = new Date(Math.max(...suspensions.map((s) => s.until!.getTime())));
  return new DomainError('forbidden', 'reader_suspended', `you are suspended from commenting until ${until.toISOString()}: ${suspensions[0]!.reason}`, {
    until: until.toISOString(),
    reason: suspensions[0]!.reason,
  });
}

/**
 * Who may post: readers banned or suspended (per moderation's events) may not. Posts are many and
 * sanctions few, so every sanctioned reader's sanctions are held in memory (PeriodicSnapshot),
 * reloaded every READER_SANCTIONS_REFRESH_MS and right after this instance records or lifts one.
 * Until the first load, or when the last successful one is too old, a post reads its reader.
 */
@Injectable()
export class ReadersService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(ReadersService.name);
  private readonly snapshot: PeriodicSnapshot<PostingSanctions>;

  constructor(
    private readonly repository: ReadersRepository,
    config: CommentsConfig,
  ) {
    this.snapshot = new PeriodicSnapshot({
      load: async () => postingSanctionsOf(await this.repository.findAll()),
      refreshMs: config.READER_SANCTIONS_REFRESH_MS,
      onError: (error) => this.log.warn({ msg: "could not reload readers' sanctions; posts read their reader once the snapshot is too old", error: (error as Error).message }),
    });
  }

  onApplicationBootstrap(): void {
    this.snapshot.start();
  }

  onApplicationShutdown(): void {
    this.snapshot.stop();
  }

  async recordSanction(sanction: UserSanctionPayload): Promise<void> {
    try {
      await this.repository.addSanction(sanction.userId, {
        sanctionId: sanction.sanctionId,
        kind: sanction.kind,
        ...(sanction.until ? { until: sanction.until } : {}),
        reason: sanction.reason,
        lifted: false,
        at: sanction.at,
      });
    } finally {
      // Also when the write failed: it may have landed.
      await this.snapshot.refreshAfterWrite();
    }
  }

  async liftSanction(sanction: UserSanctionPayload): Promise<void> {
    try {
      await this.repository.liftSanction(sanction.userId, {
        sanctionId: sanction.sanctionId,
        kind: sanction.kind,
        ...(sanction.until ? { until: sanction.until } : {}),
        reason: sanction.reason,
        lifted: true,
      });
    } finally {
      await this.snapshot.refreshAfterWrite();
    }
  }

  /** Throws 403 with until when, if the reader may not post now; else the warnings the post's answer carries. */
  async assertMayPost(readerId: string, now = new Date()): Promise<PostingWarning[]> {
    const known = this.snapshot.current();
    const sanctions = known ? known.get(readerId) ?? [] : (await this.repository.findById(readerId))?.sanctions ?? [];
    const refusal = postingRefusal(sanctions, now);
    if (refusal) throw refusal;
    return sanctions
      .filter((s) => s.kind === 'warn' && !s.lifted)
      .map((s) => ({ id: s.sanctionId, reason: s.reason, ...(s.at ? { at: new Date(s.at).toISOString() } : {}) }));
  }
}
