import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Actor, createEvent, SanctionInput, UserSanctionPayload } from '@app/contracts';
import { eventMeta, OutboxRelay } from '@app/kafka';
import { PeriodicSnapshot } from '@app/persistence';
import { ModerationConfig } from '../moderation.config';
import { checkSanction, foldSanctions, SanctionView } from './sanction.rules';
import { SanctionEntryDocument } from './sanction.schema';
import { sanctionAlreadyLifted, sanctionNotFound, warningNotFound } from './sanctions.errors';
import { SanctionsRepository } from './sanctions.repository';

export const SANCTIONS_OUTBOX = Symbol('SANCTIONS_OUTBOX');

/** User id → the journal lines of their sanctions not lifted (ended or not: that is decided at each use). */
export type UnliftedSanctions = Map<string, SanctionEntryDocument[]>;

/** The snapshot of the journal a review needs: per user, the imposing lines of sanctions never lifted. */
export function unliftedSanctionsOf(entries: SanctionEntryDocument[]): UnliftedSanctions {
  const lifted = new Set(entries.filter((e) => e.type === 'lifted').map((e) => e.sanctionId));
  const byUser: UnliftedSanctions = new Map();
  for (const entry of entries) {
    if (entry.type !== 'imposed' || lifted.has(entry.sanctionId)) continue;
    byUser.set(entry.userId, [...(byUser.get(entry.userId) ?? []), entry]);
  }
  return byUser;
}

/**
 * Sanctions on readers: ban, suspend until a time, pre-moderate. Each is imposed and lifted by a
 * moderator, written to the journal with the event that announces it (user.sanctioned,
 * user.sanction_lifted, keyed by the user id): the comments service refuses a banned or
 * suspended reader's posts, the rules hold a pre-moderated reader's comments.
 */
@Injectable()
export class SanctionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(SanctionsService.name);
  /**
   * Every review needs its author's sanctions; they are few and change rarely, and only through
   * this service (of some instance): all of them are held in memory, reloaded every
   * MODERATION_SANCTIONS_REFRESH_MS and right after this instance imposes or lifts one.
   */
  private readonly snapshot: PeriodicSnapshot<UnliftedSanctions>;

  constructor(
    private readonly repository: SanctionsRepository,
    config: ModerationConfig,
    @Inject(SANCTIONS_OUTBOX) private readonly outbox: OutboxRelay,
  ) {
    this.snapshot = new PeriodicSnapshot({
      load: async () => unliftedSanctionsOf(await this.repository.findAll()),
      refreshMs: config.MODERATION_SANCTIONS_REFRESH_MS,
      onError: (error) => this.log.warn({ msg: 'could not reload sanctions; reviews read their authors\' once the snapshot is too old', error: (error as Error).message }),
    });
  }

  onApplicationBootstrap(): void {
    this.snapshot.start();
  }

  onApplicationShutdown(): void {
    this.snapshot.stop();
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

  /**
   * The reader acknowledges a warning given to them: it is lifted, by them (status acknowledged),
   * and posts stop carrying it. Acknowledging again answers the same; another's warning is a 404.
   */
  async acknowledge(sanctionId: string, reader: Actor): Promise<SanctionView> {
    const now = new Date();
    const entries = await this.repository.ofSanction(sanctionId);
    const imposed = entries.find((e) => e.type === 'imposed');
    if (!imposed || imposed.kind !== 'warn' || imposed.userId !== reader.id) throw warningNotFound(sanctionId);
    const done = entries.find((e) => e.type === 'lifted');
    if (done) return foldSanctions([imposed, done], now)[0]!;
    const payload: UserSanctionPayload = { userId: reader.id, sanctionId, kind: 'warn', reason: imposed.reason, by: reader, at: now };
    const entry = this.entry('lifted', payload, [createEvent('user.sanction_lifted', reader.id, payload, eventMeta('moderation'))]);
    if (await this.insert(entry)) this.outbox.publishSoon({ id: entry._id, events: entry.outbox });
    // Refused: a moderator's lift or the same reader's other click came first; what stands is the answer.
    const lifted = (await this.repository.ofSanction(sanctionId)).find((e) => e.type === 'lifted') ?? entry;
    return foldSanctions([imposed, lifted], now)[0]!;
  }

  /** Every sanction of a user, oldest first, each with its status now. */
  async listFor(userId: string): Promise<SanctionView[]> {
    return foldSanctions(await this.repository.ofUsers([userId]), new Date());
  }

  /**
   * The sanctions in force now, per user (users without any are absent): from the snapshot when
   * it is loaded and fresh, else read. Whether one has ended is decided now, not at loading.
   */
  async activeFor(userIds: string[]): Promise<Map<string, SanctionView[]>> {
    const ids = [...new Set(userIds)];
    const known = this.snapshot.current();
    const lines = known ? ids.flatMap((userId) => known.get(userId) ?? []) : await this.repository.ofUsers(ids);
    const active = foldSanctions(lines, new Date()).filter((s) => s.status === 'active');
    const byUser = new Map<string, SanctionView[]>();
    for (const sanction of active) byUser.set(sanction.userId, [...(byUser.get(sanction.userId) ?? []), sanction]);
    return byUser;
  }

  /** The snapshot is reloaded whatever the outcome (a failed insert may still have landed) before the caller hears of it. */
  private async insert(entry: SanctionEntryDocument): Promise<boolean> {
    try {
      return await this.repository.insert(entry);
    } finally {
      await this.snapshot.refreshAfterWrite();
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
