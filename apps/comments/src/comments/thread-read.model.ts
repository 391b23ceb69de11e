import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { changesThreadRead, TOPICS } from '@app/contracts';
import { BroadcastListener, KafkaClient } from '@app/kafka';
import { CommentsConfig } from '../comments.config';
import { ThreadStateCache } from '../threads/thread-state.cache';
import { CommentRecord, CommentsRepository } from './comments.repository';

/** A story's visible comments, oldest first (postedAt, then id). */
type Visible = CommentRecord[];

/**
 * The visible comments of recently read stories, in memory, so that any page of a long thread
 * costs a binary search instead of a query: FerretDB runs no range or sort in PostgreSQL, so a
 * page of a 10,000-comment thread would read all 10,000 each time. A story is loaded with one
 * query on its first read and dropped on any change heard on the comments topic (every instance
 * hears every change, see BroadcastListener); the next read loads it again. Stories are dropped
 * least recently read first beyond THREAD_READ_MODEL_MAX_COMMENTS, and reloaded once older than
 * THREAD_READ_MODEL_MAX_AGE_MS (a change missed while the listener stalled is shown that long at
 * most; every group join resets it all). While the listener is not live, reads go to the
 * database page by page.
 */
@Injectable()
export class ThreadReadModel implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly stories = new Map<string, { visible: Visible; at: number }>();
  private readonly loading = new Map<string, Promise<Visible>>();
  private held = 0;
  private live = false;
  /** Events of changes this instance applied to its lists itself (see applied). */
  private readonly ownEvents = new Set<string>();
  private readonly listener: BroadcastListener;
  /** The clock ages are measured by (tests move it). */
  now: () => number = Date.now;

  constructor(
    private readonly repository: CommentsRepository,
    private readonly config: CommentsConfig,
    /** Thread documents are trusted on the same terms, so this listener keeps them too. */
    private readonly threads: ThreadStateCache,
  ) {
    this.listener = new BroadcastListener(new KafkaClient('comments', config.KAFKA_BROKERS), {
      topics: [config.KAFKA_TOPIC_PREFIX + TOPICS.COMMENTS],
      groupPrefix: `${config.KAFKA_GROUP_ID ?? 'comments'}.read-model`,
      onEvents: (events) => {
        for (const event of events) {
          if (!event.key || !changesThreadRead(event.type)) continue;
          // Only thread events change the thread document (they carry its seq); only comment
          // events change the visible comments, and this instance's own are applied already.
          if (event.type?.startsWith('thread.')) this.threads.heard(event.key, seqOf(event.value));
          else if (!this.ownEvents.delete(event.id ?? '')) this.forget(event.key);
        }
      },
      onLive: () => {
        this.reset(config.THREAD_READ_MODEL_MAX_COMMENTS > 0);
        this.threads.setLive(true);
      },
      onLost: () => {
        this.reset(false);
        this.threads.setLive(false);
      },
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.THREAD_READ_MODEL_MAX_COMMENTS > 0) this.listener.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.listener.stop();
  }

  /** A page of the story's visible comments after `after`, at most `limit`. */
  async page(articleId: string, after: { postedAt: Date; id: string } | undefined, limit: number): Promise<CommentRecord[]> {
    if (!this.live) return this.repository.pageApproved(articleId, after, limit);
    const visible = await this.visibleOf(articleId);
    const start = after ? firstAfter(visible, after) : 0;
    return visible.slice(start, start + limit);
  }

  /**
   * This instance changed a comment (stored, with these events): the story's list is patched in
   * place rather than reloaded, and the events, heard back, change nothing. A viral thread would
   * otherwise be read whole from the database after every decision on it.
   */
  applied(comment: CommentRecord & { outbox?: unknown }, eventIds: string[]): void {
    const story = this.stories.get(comment.articleId);
    if (!story || this.loading.has(comment.articleId)) return this.forget(comment.articleId);
    const { outbox: _outbox, outboxAt: _at, outboxPending: _pending, importKey: _key, externalId: _external, ...record } = comment as CommentRecord & Record<string, unknown>;
    const visible = story.visible;
    const at = firstAfter(visible, { postedAt: comment.postedAt, id: comment._id }) - 1;
    const present = at >= 0 && visible[at]!._id === comment._id;
    if (present) visible.splice(at, 1);
    const shown = comment.status === 'approved' || (comment.status === 'deleted' && comment.placeholder);
    if (shown) visible.splice(present ? at : at + 1, 0, record as CommentRecord);
    this.held += (shown ? 1 : 0) - (present ? 1 : 0);
    for (const id of eventIds) this.ownEvents.add(id);
    // Events never heard back (the listener lost the broker meanwhile) must not pile up.
    for (const oldest of this.ownEvents) {
      if (this.ownEvents.size <= 100_000) break;
      this.ownEvents.delete(oldest);
    }
  }

  /** This instance changed the story: forget it now, before its event comes back. */
  forget(articleId: string): void {
    // A load started before the change must neither answer later reads nor be kept.
    this.loading.delete(articleId);
    const story = this.stories.get(articleId);
    if (!story) return;
    this.held -= story.visible.length;
    this.stories.delete(articleId);
  }

  private async visibleOf(articleId: string): Promise<Visible> {
    const story = this.stories.get(articleId);
    if (story && this.now() - story.at > this.config.THREAD_READ_MODEL_MAX_AGE_MS) this.forget(articleId);
    else if (story) {
      this.stories.delete(articleId); // re-insert: most recently read last
      this.stories.set(articleId, story);
      return story.visible;
    }
    const inFlight = this.loading.get(articleId);
    if (inFlight) return inFlight;
    const startedAt = this.now();
    const load: Promise<Visible> = this.repository
      .visibleOf(articleId)
      .then((visible) => {
        // Kept only if nothing changed while it loaded (forget() let go of it then).
        if (this.live && this.loading.get(articleId) === load) this.keep(articleId, visible, startedAt);
        return visible;
      })
      .finally(() => {
        if (this.loading.get(articleId) === load) this.loading.delete(articleId);
      });
    this.loading.set(articleId, load);
    return load;
  }

  private keep(articleId: string, visible: Visible, at: number): void {
    this.stories.set(articleId, { visible, at });
    this.held += visible.length;
    for (const [oldest, story] of this.stories) {
      if (this.held <= this.config.THREAD_READ_MODEL_MAX_COMMENTS || oldest === articleId) break;
      this.stories.delete(oldest);
      this.held -= story.visible.length;
    }
  }

  private reset(live: boolean): void {
    this.live = live;
    this.ownEvents.clear();
    this.stories.clear();
    this.loading.clear();
    this.held = 0;
  }
}

/** The thread's seq a thread event carries; undefined when unreadable (the thread is then forgotten). */
function seqOf(value: Buffer | null): number | undefined {
  try {
    const seq = (JSON.parse(value?.toString() ?? 'null') as { payload?: { seq?: unknown } } | null)?.payload?.seq;
    return typeof seq === 'number' ? seq : undefined;
  } catch {
    return undefined;
  }
}

/** Index of the first comment after the cursor position, by (postedAt, id). */
function firstAfter(visible: Visible, after: { postedAt: Date; id: string }): number {
  const t = after.postedAt.getTime();
  let lo = 0;
  let hi = visible.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = visible[mid]!;
    const ct = c.postedAt.getTime();
    if (ct < t || (ct === t && c._id <= after.id)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
