import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AnyEvent, parseEvent, TOPICS } from '@app/contracts';
import { BroadcastListener, HeardEvent, KafkaClient } from '@app/kafka';
import { GatewayConfig } from '../gateway.config';
import { articleChannel, LiveHub, MODERATION_CHANNEL } from './live.hub';

/** What readers are sent of an approved comment: the thread read's shape, nothing more (no author id). */
export interface LiveComment {
  id: string;
  parentId: string | null;
  author: { name: string };
  body: string;
  postedAt: string;
}

export type Queue = 'pending' | 'held' | 'reported' | 'approved' | 'rejected';

/** A small insertion-ordered memory: the oldest entries go first once it is full. */
class Bounded<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: string, value: V): this {
    this.delete(key);
    super.set(key, value);
    if (this.size > this.max) this.delete(this.keys().next().value as string);
    return this;
  }
}

const STATUS_QUEUE = { 'comment.approved': 'approved', 'comment.held': 'held', 'comment.rejected': 'rejected' } as const;

/**
 * Turns the events this gateway hears into live events. Readers' streams (per story): `comment`
 * (approved, new or edited), `removed` (deleted, or taken back by a later decision), `thread`
 * (state and count). Moderators' stream: `queue` (a comment entered or left a queue).
 *
 * Approvals carry no text, so the text and author's name of each submission heard are kept (a
 * bounded memory) to send the approved comment whole; one approved before this gateway started
 * is announced by id only (`comment: null`) and the widget reloads it through the thread read.
 */
@Injectable()
export class LiveListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly listener: BroadcastListener;
  private readonly submitted = new Bounded<LiveComment>(50_000);
  private readonly queues = new Bounded<Set<Queue>>(100_000);

  constructor(
    private readonly hub: LiveHub,
    config: GatewayConfig,
  ) {
    this.listener = new BroadcastListener(new KafkaClient('gateway', config.KAFKA_BROKERS), {
      topics: [config.KAFKA_TOPIC_PREFIX + TOPICS.COMMENTS, config.KAFKA_TOPIC_PREFIX + TOPICS.MODERATION],
      groupPrefix: `${config.KAFKA_GROUP_ID ?? 'gateway'}.live`,
      onEvents: (events) => this.heard(events),
      onLive: () => undefined,
      // Events missed while not listening are not replayed: streams are told to reload.
      onLost: () => this.hub.publishAll('reset', {}),
    });
  }

  onApplicationBootstrap(): void {
    this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.hub.stop();
    await this.listener.stop();
  }

  isLive(): boolean {
    return this.listener.isLive();
  }

  private heard(events: HeardEvent[]): void {
    for (const heard of events) {
      if (!heard.type || heard.type === 'moderation.decided' || heard.type.startsWith('user.')) continue;
      const parsed = parseEvent(heard.value);
      if (parsed.ok) this.apply(parsed.event);
    }
  }

  /** One event → live events (public for the unit spec). */
  apply(event: AnyEvent): void {
    switch (event.type) {
      case 'comment.submitted':
      case 'comment.edited': {
        const p = event.payload;
        const known = this.submitted.get(p.commentId);
        this.submitted.set(p.commentId, {
          id: p.commentId,
          parentId: p.parentId ?? null,
          author: { name: p.author.name },
          body: p.body,
          postedAt: known?.postedAt ?? new Date(p.at).toISOString(),
        });
        this.moveTo(p.commentId, p.articleId, 'pending', new Date(p.at));
        return;
      }
      case 'comment.approved':
      case 'comment.held':
      case 'comment.rejected':
      case 'comment.deleted': {
        const p = event.payload;
        const channel = articleChannel(p.articleId);
        if (event.type === 'comment.approved') {
          this.hub.publish(channel, 'comment', { comment: this.submitted.get(p.commentId) ?? null, commentId: p.commentId, commentCount: p.commentCount, approvedAt: new Date(p.at).toISOString() });
        } else {
          this.hub.publish(channel, 'removed', { commentId: p.commentId, commentCount: p.commentCount });
        }
        this.moveTo(p.commentId, p.articleId, event.type === 'comment.deleted' ? undefined : STATUS_QUEUE[event.type], new Date(p.at));
        if (event.type !== 'comment.held') this.submitted.delete(p.commentId);
        return;
      }
      case 'comment.reported': {
        const p = event.payload;
        const queues = this.queues.get(p.commentId) ?? new Set<Queue>(['approved']);
        if (!queues.has('reported')) {
          queues.add('reported');
          this.queues.set(p.commentId, queues);
          this.queue('entered', 'reported', p.commentId, p.articleId, new Date(p.at));
        }
        return;
      }
      case 'thread.opened':
      case 'thread.closed':
      case 'thread.reopened':
      case 'thread.archived':
      case 'thread.hidden':
      case 'thread.rescheduled':
      case 'thread.count_changed': {
        const p = event.payload;
        const channel = articleChannel(p.articleId);
        this.hub.publish(channel, 'thread', {
          state: p.state,
          commentCount: p.commentCount,
          closesAt: new Date(p.closesAt).toISOString(),
          archivesAt: new Date(p.archivesAt).toISOString(),
        });
        if (p.state === 'hidden') this.hub.close(channel);
        return;
      }
      default:
        return;
    }
  }

  /** A decision takes a comment out of every queue it was in (reported included) and into one. */
  private moveTo(commentId: string, articleId: string, queue: Queue | undefined, at: Date): void {
    // Unknown to this gateway (submitted before it started): it was almost surely pending.
    const before = this.queues.get(commentId) ?? new Set<Queue>(queue && queue !== 'pending' ? ['pending'] : []);
    for (const old of before) if (old !== queue) this.queue('left', old, commentId, articleId, at);
    if (queue && !before.has(queue)) this.queue('entered', queue, commentId, articleId, at);
    if (queue) this.queues.set(commentId, new Set([queue]));
    else this.queues.delete(commentId);
  }

  private queue(change: 'entered' | 'left', queue: Queue, commentId: string, articleId: string, at: Date): void {
    this.hub.publish(MODERATION_CHANNEL, 'queue', { change, queue, commentId, articleId, at: at.toISOString() });
  }
}
