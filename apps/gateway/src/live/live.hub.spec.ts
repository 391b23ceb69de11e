import { loadConfig } from '@app/config';
import { createEvent } from '@app/contracts';
import { GatewayConfig } from '../gateway.config';
import { articleChannel, LiveHub, MODERATION_CHANNEL } from './live.hub';
import { LiveListener } from './live.listener';

const A = '6f1c2b8e-3a4d-4e5f-8a9b-0c1d2e3f4a5b';
const C = '0b7c9a2e-1d3f-4a5b-9c6d-7e8f9a0b1c2d';
const meta = { correlationId: 'c', producer: 'test' };

function stream() {
  const frames: string[] = [];
  let ended = false;
  return { frames, write: (f: string) => frames.push(f), end: () => (ended = true), ended: () => ended };
}
const events = (frames: string[]) =>
  frames.filter((f) => f.includes('event: ')).map((f) => ({ event: /event: (\S+)/.exec(f)![1], id: /id: (\S+)/.exec(f)?.[1], data: JSON.parse(/data: (.*)/.exec(f)![1]!) }));

describe('LiveHub', () => {
  it('refuses streams beyond the bound and frees the slot on unsubscribe', () => {
    const hub = new LiveHub({ maxConnections: 2, replay: 10, heartbeatMs: 60_000 });
    expect(hub.reserve()).toBe(true);
    expect(hub.reserve()).toBe(true);
    expect(hub.reserve()).toBe(false);
    const off = hub.subscribe('x', stream());
    off();
    off();
    expect(hub.connections).toBe(1);
    expect(hub.reserve()).toBe(true);
    hub.stop();
  });

  it('sends a channel its events only, and resumes after Last-Event-ID', () => {
    const hub = new LiveHub({ maxConnections: 10, replay: 10, heartbeatMs: 60_000 });
    const a = stream();
    const b = stream();
    hub.subscribe('a', a);
    hub.subscribe('b', b);
    hub.publish('a', 'comment', { n: 1 });
    hub.publish('b', 'comment', { n: 2 });
    hub.publish('a', 'comment', { n: 3 });
    expect(events(a.frames).map((e) => e.data.n)).toEqual([1, 3]);
    expect(events(b.frames).map((e) => e.data.n)).toEqual([2]);
    const first = events(a.frames)[0]!.id!;
    const again = stream();
    hub.subscribe('a', again, first);
    expect(events(again.frames).map((e) => e.data.n)).toEqual([3]);
    hub.stop();
  });

  it('answers an unknown or too old Last-Event-ID with reset', () => {
    const hub = new LiveHub({ maxConnections: 10, replay: 2, heartbeatMs: 60_000 });
    for (let n = 1; n <= 5; n++) hub.publish('a', 'comment', { n });
    const stranger = stream();
    hub.subscribe('a', stranger, 'deadbeef-3');
    expect(events(stranger.frames).map((e) => e.event)).toEqual(['reset']);
    const old = stream();
    hub.subscribe('a', old, `${hub.boot}-1`);
    expect(events(old.frames).map((e) => e.event)).toEqual(['reset']);
    const recent = stream();
    hub.subscribe('a', recent, `${hub.boot}-3`);
    expect(events(recent.frames).map((e) => e.data.n)).toEqual([4, 5]);
    hub.stop();
  });
});

describe('LiveListener', () => {
  const setup = () => {
    const hub = new LiveHub({ maxConnections: 10, replay: 100, heartbeatMs: 60_000 });
    const listener = new LiveListener(hub, loadConfig(GatewayConfig, { JWT_SECRET: 'x'.repeat(32), SERVICE_AUTH_SECRET: 's'.repeat(32) }));
    const story = stream();
    const desk = stream();
    hub.subscribe(articleChannel(A), story);
    hub.subscribe(MODERATION_CHANNEL, desk);
    return { hub, listener, story, desk };
  };

  it('sends readers an approved comment whole (no author id), and moderators its queue moves', () => {
    const { hub, listener, story, desk } = setup();
    const at = new Date('2026-12-02T12:00:00Z');
    listener.apply(createEvent('comment.submitted', A, { commentId: C, articleId: A, author: { id: 'reader-1', name: 'Ann' }, body: '<b>hi</b>', revision: 1, at }, meta));
    listener.apply(createEvent('comment.approved', A, { commentId: C, articleId: A, status: 'approved', revision: 1, reason: 'ok', commentCount: 1, at }, meta));
    expect(events(story.frames)).toEqual([
      expect.objectContaining({ event: 'comment', data: { commentId: C, commentCount: 1, approvedAt: at.toISOString(), comment: { id: C, parentId: null, author: { name: 'Ann' }, body: '<b>hi</b>', postedAt: at.toISOString() } } }),
    ]);
    expect(JSON.stringify(story.frames)).not.toContain('reader-1');
    expect(events(desk.frames).map((e) => `${e.data.change} ${e.data.queue}`)).toEqual(['entered pending', 'left pending', 'entered approved']);
    hub.stop();
  });

  it('never tells readers why a comment was rejected; a hidden story ends its streams', () => {
    const { hub, listener, story, desk } = setup();
    const at = new Date();
    listener.apply(createEvent('comment.rejected', A, { commentId: C, articleId: A, status: 'rejected', revision: 1, reason: 'insults a reader', commentCount: 0, at }, meta));
    expect(JSON.stringify(story.frames)).not.toContain('insults');
    expect(events(desk.frames).map((e) => `${e.data.change} ${e.data.queue}`)).toEqual(['left pending', 'entered rejected']);
    listener.apply(createEvent('comment.reported', A, { commentId: C, articleId: A, reporterId: 'r2', reason: 'spam', reports: 1, at }, meta));
    expect(events(desk.frames).at(-1)!.data).toMatchObject({ change: 'entered', queue: 'reported', commentId: C, articleId: A });
    listener.apply(
      createEvent('thread.hidden', A, { articleId: A, seq: 2, state: 'hidden', reason: 'unpublished', closesAt: at, archivesAt: at, changedAt: at, commentCount: 0 }, meta),
    );
    expect(events(story.frames).at(-1)).toMatchObject({ event: 'thread', data: { state: 'hidden' } });
    expect(story.ended()).toBe(true);
    hub.stop();
  });

  it('reads CORS_ORIGINS as a list and defaults to none', () => {
    expect(loadConfig(GatewayConfig, { JWT_SECRET: 'x'.repeat(32), SERVICE_AUTH_SECRET: 's'.repeat(32) }).CORS_ORIGINS).toEqual([]);
    expect(loadConfig(GatewayConfig, { JWT_SECRET: 'x'.repeat(32), SERVICE_AUTH_SECRET: 's'.repeat(32), CORS_ORIGINS: 'http://127.0.0.1:3100, https://news.example' }).CORS_ORIGINS).toEqual([
      'http://127.0.0.1:3100',
      'https://news.example',
    ]);
    expect(() => loadConfig(GatewayConfig, { JWT_SECRET: 'x'.repeat(32), SERVICE_AUTH_SECRET: 's'.repeat(32), CORS_ORIGINS: 'not an origin' })).toThrow(/CORS_ORIGINS/);
  });
});
