import { randomUUID } from 'node:crypto';
import { articleInput } from '@app/testing';
import { api, editorToken, tokenFor } from '../support/api';

export type Kind = 'clean' | 'suspect' | 'banned';

/** Posts so far in this process: every text is unique (the repeat rule must not fire). */
let posted = 0;
// The bench's speller: a number in plain words (bench/lib/bodies.js).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { spell } = require('../../bench/lib/bodies') as { spell: (n: number) => string };

export function textOf(kind: Kind, n: number): string {
  const number = spell(n);
  return { clean: `A measured point about the budget, note ${number}`, suspect: `Only an idiot would vote for this, note ${number}`, banned: `This is shit, note ${number}` }[kind];
}
/** What the automatic rules must decide for each kind of text (docs/moderation.md). */
export const AUTOMATIC: Record<Kind, 'approved' | 'held' | 'rejected'> = { clean: 'approved', suspect: 'held', banned: 'rejected' };

export interface Accepted {
  id: string;
  articleId: string;
  kind: Kind;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MODERATOR = () => tokenFor({ sub: 'moderator-1', name: 'Mod One', roles: ['moderator'] });
const READERS = 24;

/** A call that survives a gateway or service being down: retried on 5xx, 429 and network errors. */
async function call(method: string, path: string, options: Parameters<typeof api>[2], deadlineMs: number) {
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await api(method, path, options);
      if (response.status < 500 && response.status !== 429) return response;
      if (Date.now() > deadline) return response;
    } catch (error) {
      if (Date.now() > deadline) return { status: 0, body: { message: (error as Error).message }, headers: new Headers() };
    }
    await sleep(Math.min(200 * 2 ** attempt, 1_000));
  }
}

/** Publishes a story and waits until its thread is open (so moderation knows it too). */
export async function publishStory(): Promise<string> {
  const response = await call('POST', '/api/v1/articles', { token: editorToken(), body: articleInput() }, 60_000);
  if (response.status !== 201) throw new Error(`publishing a story: ${response.status} ${JSON.stringify(response.body)}`);
  const id = response.body.id as string;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
    if ((await call('GET', `/api/v1/articles/${id}/comments`, {}, 10_000)).body?.state === 'open') return id;
  }
  throw new Error(`the thread of ${id} did not open`);
}

/**
 * A reader's post, as a careful client makes it: one Idempotency-Key, retried until a definite
 * answer. Returns the comment on 202, else null (refused: e.g. the thread is closed).
 */
export async function post(articleId: string, kind: Kind, deadlineMs = 90_000): Promise<Accepted | null> {
  const reader = `reader-${Math.floor(Math.random() * READERS)}`;
  const text = textOf(kind, posted++);
  const response = await call(
    'POST',
    `/api/v1/articles/${articleId}/comments`,
    { token: tokenFor({ sub: reader, name: `Reader ${reader}`, roles: ['reader'] }), body: { body: text }, headers: { 'idempotency-key': randomUUID() } },
    deadlineMs,
  );
  return response.status === 202 ? { id: response.body.id as string, articleId, kind } : null;
}

/**
 * The load a fault happens under: readers posting to several stories, a moderator approving held
 * comments, an editor closing and reopening one thread. Everything acknowledged is recorded for
 * the reconciliation.
 */
export class Load {
  readonly accepted = new Map<string, Accepted>();
  /** Comments a moderator approved (200, or 409 already_decided for a retry of our own decision). */
  readonly approvedByModerator = new Set<string>();
  readonly refused = new Map<number, number>();
  transitions = 0;
  private running = false;
  private workers: Promise<void>[] = [];
  private counter = 0;

  constructor(
    private readonly stories: string[],
    private readonly lifecycleStory: string,
  ) {}

  start(posters = 3): void {
    this.running = true;
    for (let i = 0; i < posters; i++) this.workers.push(this.poster());
    this.workers.push(this.moderator(), this.editor());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    this.workers = [];
  }

  private async poster(): Promise<void> {
    while (this.running) {
      const n = this.counter++;
      const kind: Kind = n % 10 === 3 ? 'banned' : n % 10 === 7 ? 'suspect' : 'clean';
      const story = n % 7 === 0 ? this.lifecycleStory : this.stories[n % this.stories.length];
      const accepted = await post(story, kind);
      if (accepted) this.accepted.set(accepted.id, accepted);
    }
  }

  /** Approves every second held comment, once its case is known. */
  private async moderator(): Promise<void> {
    const done = new Set<string>();
    while (this.running) {
      const todo = [...this.accepted.values()].filter((c, i) => c.kind === 'suspect' && i % 2 === 0 && !done.has(c.id));
      for (const comment of todo.slice(0, 5)) {
        const response = await call(
          'POST',
          `/api/v1/moderation/comments/${comment.id}/decision`,
          { token: MODERATOR(), body: { decision: 'approve', reason: 'fair comment, in context', revision: 1 } },
          5_000,
        );
        // 404: the rules have not decided yet; try again later.
        if (response.status === 200 || (response.status === 409 && response.body?.code === 'already_decided')) {
          this.approvedByModerator.add(comment.id);
          done.add(comment.id);
        } else if (response.status !== 404 && response.status < 500 && response.status !== 0) {
          throw new Error(`moderator decision on ${comment.id}: ${response.status} ${JSON.stringify(response.body)}`);
        }
      }
      await sleep(300);
    }
  }

  /** Closes and reopens one thread, again and again. */
  private async editor(): Promise<void> {
    for (let i = 0; this.running; i++) {
      const action = i % 2 === 0 ? 'close' : 'reopen';
      const response = await call('POST', `/api/v1/articles/${this.lifecycleStory}/thread/${action}`, { token: editorToken(), body: { reason: `drill ${i}` } }, 10_000);
      if (response.status === 200) this.transitions++;
      else this.refused.set(response.status, (this.refused.get(response.status) ?? 0) + 1);
      await sleep(700);
    }
  }

  /** Leaves the lifecycle thread open, whatever the last drill did. */
  async settle(): Promise<void> {
    const response = await call('POST', `/api/v1/articles/${this.lifecycleStory}/thread/reopen`, { token: editorToken(), body: { reason: 'drill over' } }, 60_000);
    if (response.status !== 200 && response.status !== 409) throw new Error(`reopening after the drill: ${response.status} ${JSON.stringify(response.body)}`);
  }
}
