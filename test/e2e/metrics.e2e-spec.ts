import { randomUUID } from 'node:crypto';
import { articleInput, eventually } from '@app/testing';
import { api, editorToken, tokenFor } from '../support/api';
import { ServiceName, system } from '../support/services';

/**
 * Every service serves Prometheus metrics at /metrics: what one posted and approved comment
 * leaves there is what ops (and `npm run bench`) read to see where the time goes.
 */

async function scrape(service: ServiceName): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`http://127.0.0.1:${system().ports[service]}/metrics`);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

/** The value of one sample, or 0 when the series does not exist (yet). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && wanted.every((label) => l.slice(0, l.indexOf('}')).includes(label)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('metrics', () => {
  it('count database commands, events handled, HTTP requests and thread cache reads, per service', async () => {
    const published = await api('POST', '/api/v1/articles', { token: editorToken(), body: articleInput() });
    expect(published.status).toBe(201);
    const story = published.body.id as string;
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${story}/comments`)).status).toBe(200));
    const before = await scrape('comments');
    const sub = `metrics-${randomUUID().slice(0, 8)}`;
    const posted = await api('POST', `/api/v1/articles/${story}/comments`, {
      token: tokenFor({ sub, name: 'Metric Reader', roles: ['reader'] }),
      body: { body: 'Counting what a comment costs, one command at a time.' },
    });
    expect(posted.status).toBe(202);
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${story}/comments`)).body.commentCount).toBe(1));
    // The story's count reached the articles side too.
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${story}`)).body).toMatchObject({ comments: { count: 1 } }));

    const [gateway, comments, moderation, articles] = await Promise.all((['gateway', 'comments', 'moderation', 'articles'] as const).map(scrape));
    for (const scraped of [gateway, comments, moderation, articles]) {
      expect(scraped.status).toBe(200);
      expect(scraped.type).toMatch(/^text\/plain/);
      expect(scraped.text).toContain('process_cpu_seconds_total');
    }
    // The comment was inserted by the comments service, which then heard its decision.
    expect(sample(comments.text, 'db_commands_total', { collection: 'comments', command: 'insert', outcome: 'ok' })).toBeGreaterThan(
      sample(before.text, 'db_commands_total', { collection: 'comments', command: 'insert', outcome: 'ok' }),
    );
    expect(sample(comments.text, 'events_handled_total', { type: 'moderation.decided', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(moderation.text, 'events_handled_total', { type: 'comment.submitted', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(articles.text, 'events_handled_total', { type: 'thread.count_changed', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(moderation.text, 'db_command_duration_seconds_count', { collection: 'case_entries', command: 'insert' })).toBeGreaterThanOrEqual(1);
    // The gateway times requests by route pattern (never by id) and counts its cache's answers.
    expect(sample(gateway.text, 'http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/articles/:id/comments', status: '202' })).toBeGreaterThanOrEqual(1);
    expect(gateway.text).not.toContain(story);
    const cacheReads = ['hit', 'stale', 'miss'].reduce((sum, result) => sum + sample(gateway.text, 'thread_cache_reads_total', { result }), 0);
    expect(cacheReads).toBeGreaterThanOrEqual(1);
  });
});
