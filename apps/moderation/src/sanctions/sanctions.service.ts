import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Actor, createEvent, SanctionInput, UserSanctionPayload } from '@app/contracts';
import { eventMeta, OutboxRelay } from '@app/kafka';
import { ShortLivedCache } from '../cache/short-lived-cache';
import { ModerationConfig } from '../moderation.config';
import { checkSanction, foldSanctions, SanctionView } from './sanction.rules';
import { SanctionEntryDocument } from './sanction.schema';
import { sanctionAlreadyLifted, sanctionNotFound } from './sanctions.errors';
import { SanctionsRepository } from './sanctions.repository';

export const SANCTIONS_OUTBOX = Symbol('SANCTIONS_OUTBOX');

/**
 * Sanctions on readers: ban, suspend until a time, pre-moderate. Each is imposed and lifted by a
 * moderator, written to the journal with the event that announces it (user.sanctioned,
 * user.sanction_lifted, keyed by the user id): the comments service refuses a banned or
 * suspended reader's posts, the rules hold a pre-moderated reader's comments.
 */
@Injectable()
export class SanctionsService {
  /** Every review reads its author's sanctions; they change rarely, and only through this service. */
  private readonly cache: ShortLivedCache<string, SanctionEntryDocument[]>;

  constructor(
    private readonly repository: SanctionsRepository,
    config: ModerationConfig,
    @Inject(SANCTIONS_OUTBOX) private readonly outbox: OutboxRelay,
  ) {
    this.cache = new ShortLivedCache({ ttlMs: config.MODERATION_CACHE_TTL_MS, maxEntries: config.MODERATION_CACHE_MAX_ENTRIES });
  }

  async impose(userId: string, input: SanctionInput, moderator: Actor): Promise<SanctionView> {
    const now = new Date();
    checkSanction(input, now);
    const sanctionId = randomUUID();
    const payload: UserSanctionPayload = {
      userId,
      sanctionId,
      kind: input.kind,
      ...(input.until ? { until: input.until } : {}),
      reason: input.reason,
      by: moderator,
      at: now,
    };
    const entry = this.entry('imposed', payload, [createEvent('user.sanctioned', userId, payload, eventMeta('moderation'))]);
    // A fresh id cannot collide; if it ever did, the insert would say so rather than overwrite.
    if (!(await this.insert(entry))) throw new Error(`sanction id ${sanctionId} collided`);
    this.outbox.publishSoon({ id: entry._id, events: entry.outbox });
    return foldSanctions([entry], now)[0]!;
  }

  /** Lifts a sanction; a second lift of the same one (even at the same moment) is a 409. */
  async lift(userId: string, sanctionId: string, moderator: Actor): Promise<SanctionView> {
    const now = new Date();
    const entries = await this.repository.ofSanction(sanctionId);
    const imposed = entries.find((e) => e.type === 'imposed');
    if (!imposed || imposed.userId !== userId) throw sanctionNotFound(userId, sanctionId);
    if (entries.some((e) => e.type === 'lifted')) throw sanctionAlreadyLifted(sanctionId);
    const payload: UserSanctionPayload = {
      userId,
      sanctionId,
      kind: imposed.kind,
      ...(imposed.until ? { until: imposed.until } : {}),
      reason: imposed.reason,
      by: moderator,
      at: now,
    };
    const entry = this.entry('lifted', payload, [createEvent('user.sanction_lifted', userId, payload, eventMeta('moderation'))]);
    if (!(await this.insert(entry))) throw sanctionAlreadyLifted(sanctionId);
    this.outbox.publishSoon({ id: entry._id, events: entry.outbox });
    return foldSanctions([imposed, entry], now)[0]!;
  }

  /** Every sanction of a user, oldest first, each with its status now. */
  async listFor(userId: string): Promise<SanctionView[]> {
    return foldSanctions(await this.repository.ofUsers([userId]), new Date());
  }

  /**
   * The sanctions in force now, per user (users without any are absent). A user's journal lines
   * are served from memory for up to MODERATION_CACHE_TTL_MS; whether one has ended is decided now.
   */
  async activeFor(userIds: string[]): Promise<Map<string, SanctionView[]>> {
    const lines = await Promise.all([...new Set(userIds)].map((userId) => this.cache.get(userId, () => this.repository.ofUsers([userId]))));
    const active = foldSanctions(lines.flatMap((of) => of ?? []), new Date()).filter((s) => s.status === 'active');
    const byUser = new Map<string, SanctionView[]>();
    for (const sanction of active) byUser.set(sanction.userId, [...(byUser.get(sanction.userId) ?? []), sanction]);
    return byUser;
  }

  /** The user's cached lines are dropped whatever the outcome: a failed insert may still have landed. */
  private async insert(entry: SanctionEntryDocument): Promise<boolean> {
    try {
      return await this.repository.insert(entry);
    } finally {
      this.cache.invalidate(entry.userId);
    }
  }

  private entry(type: 'imposed' | 'lifted', payload: UserSanctionPayload, outbox: SanctionEntryDocument['outbox']): SanctionEntryDocument {
    return {
      _id: `${payload.sanctionId}:${type}`,
      sanctionId: payload.sanctionId,
      userId: payload.userId,
      type,
      kind: payload.kind,
      ...(payload.until ? { until: payload.until } : {}),
      reason: payload.reason,
      by: payload.by,
      at: payload.at,
      eventIds: outbox.map((event) => event.id),
      outbox,
    };
  }
}
