import { randomUUID } from 'node:crypto';
import { articleInput, eventually } from '@app/testing';
import { api, editorToken, tokenFor } from '../support/api';

/**
 * What moderators do beyond deciding a held comment (issue 15), through the gateway on the real
 * services: reversing a decision (override), notes and warnings on a reader, and queues by
 * section (a story's "Posted to" categories, or a set of stories).
 */

const moderator = (n: number) => tokenFor({ sub: `tools-mod-${n}`, name: `Tools Moderator ${n}`, roles: ['moderator'] });
const reader = () => {
  const sub = `tools-reader-${randomUUID().slice(0, 8)}`;
  return { sub, token: tokenFor({ sub, name: `Reader ${sub.slice(-4)}`, roles: ['reader'] }) };
};
const SLOW = { timeoutMs: 60_000 };

async function publishStory(overrides: Record<string, unknown> = {}): Promise<string> {
  const response = await api('POST', '/api/v1/articles', { token: editorToken(), body: articleInput(overrides) });
  expect(response.status).toBe(201);
  const id = response.body.id as string;
  await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}/comments`)).status).toBe(200), SLOW);
  return id;
}

async function post(story: string, token: string, body: string): Promise<string> {
  const response = await api('POST', `/api/v1/articles/${story}/comments`, { token, body: { body } });
  expect(response.status).toBe(202);
  return response.body.id as string;
}

const historyOf = async (commentId: string) => {
  const response = await api('GET', `/api/v1/moderation/comments/${commentId}/history`, { token: moderator(1) });
  expect(response.status).toBe(200);
  return response.body;
};

const countOf = async (story: string) => (await api('GET', `/api/v1/articles/${story}/comments`)).body.commentCount as number;

describe('moderator tools', () => {
  it("overrides a rules approval and then a colleague's rejection; the status, the count and the history follow; of two racing overrides one wins", async () => {
    const story = await publishStory();
    const ann = reader();
    const id = await post(story, ann.token, 'The council should publish the budget figures before the vote.');
    const approved = await eventually(async () => {
      const body = await historyOf(id);
      expect(body.comment.status).toBe('approved');
      return body;
    }, SLOW);
    await eventually(async () => expect(await countOf(story)).toBe(1), SLOW);

    // Moderator 1 reverses the rules' approval.
    const rejected = await api('POST', `/api/v1/moderation/comments/${id}/override`, {
      token: moderator(1),
      body: { decision: 'reject', reason: 'doxxes a council employee', decisionSeq: approved.verdict.seq },
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.comment.status).toBe('rejected');
    expect(rejected.body.verdict).toMatchObject({ rule: 'moderator', decision: 'reject', overrides: approved.verdict.seq, seq: approved.verdict.seq + 1 });
    await eventually(async () => {
      expect((await api('GET', `/api/v1/comments/${id}`, { token: ann.token })).body.status).toBe('rejected');
      expect(await countOf(story)).toBe(0);
    }, SLOW);

    // A stale override (the decision it names is no longer the latest) is refused and changes nothing.
    const stale = await api('POST', `/api/v1/moderation/comments/${id}/override`, {
      token: moderator(2),
      body: { decision: 'approve', reason: 'seen before the rejection', decisionSeq: approved.verdict.seq },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('decision_changed');
    // Overriding with the status it has is refused too.
    const same = await api('POST', `/api/v1/moderation/comments/${id}/override`, {
      token: moderator(2),
      body: { decision: 'reject', reason: 'agree', decisionSeq: rejected.body.verdict.seq },
    });
    expect(same.status).toBe(409);
    expect(same.body.code).toBe('nothing_to_override');

    // Two moderators reverse the colleague's rejection at the same moment: exactly one wins.
    const race = await Promise.all(
      [2, 3].map((n) =>
        api('POST', `/api/v1/moderation/comments/${id}/override`, {
          token: moderator(n),
          body: { decision: 'approve', reason: `moderator ${n}: criticism of a public body, not doxxing`, decisionSeq: rejected.body.verdict.seq },
        }),
      ),
    );
    expect(race.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(race.find((r) => r.status === 409)!.body.code).toBe('decision_changed');
    const winner = race.find((r) => r.status === 200)!.body;
    await eventually(async () => {
      expect((await api('GET', `/api/v1/comments/${id}`, { token: ann.token })).body.status).toBe('approved');
      expect(await countOf(story)).toBe(1);
    }, SLOW);

    // The history keeps every decision: the rules' verdict, both overrides, each naming what it reversed.
    const { history, verdict } = await historyOf(id);
    expect(verdict).toMatchObject({ decision: 'approve', seq: rejected.body.verdict.seq + 1, moderator: winner.verdict.moderator });
    const overrides = history.filter((item: { type: string }) => item.type === 'moderator_override');
    expect(overrides).toHaveLength(2);
    expect(overrides[0]).toMatchObject({ decision: 'reject', by: { id: 'tools-mod-1' }, overridden: { decision: 'approve', decisionSeq: approved.verdict.seq } });
    expect(overrides[1]).toMatchObject({ decision: 'approve', overridden: { decision: 'reject', by: { id: 'tools-mod-1' }, decisionSeq: rejected.body.verdict.seq } });
    expect(history.some((item: { type: string }) => item.type === 'rule_verdict')).toBe(true);
  }, 180_000);

  it("keeps moderators' notes on a reader, in their record and beside their queue items", async () => {
    const story = await publishStory();
    const ann = reader();
    const note = await api('POST', `/api/v1/moderation/users/${ann.sub}/notes`, { token: moderator(1), body: { text: '  Second off-topic rant this week; next time a warning.  ' } });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ text: 'Second off-topic rant this week; next time a warning.', by: { id: 'tools-mod-1', name: 'Tools Moderator 1' } });
    const empty = await api('POST', `/api/v1/moderation/users/${ann.sub}/notes`, { token: moderator(1), body: { text: '   ' } });
    expect(empty.status).toBe(400);
    expect((await api('POST', `/api/v1/moderation/users/${ann.sub}/notes`, { token: ann.token, body: { text: 'my own note' } })).status).toBe(403);

    const record = await api('GET', `/api/v1/moderation/users/${ann.sub}`, { token: moderator(2) });
    expect(record.body.notes).toEqual({ count: 1, latest: [note.body] });

    const held = await post(story, ann.token, 'Only a moron would sign this budget at 3 a.m.');
    const item = await eventually(async () => {
      const queue = await api('GET', `/api/v1/moderation/queue?status=held&articleId=${story}`, { token: moderator(2) });
      const found = queue.body.items.find((i: { comment: { id: string } }) => i.comment.id === held);
      expect(found).toBeDefined();
      return found;
    }, SLOW);
    expect(item.author.notes).toEqual({ count: 1, latest: [note.body] });
  }, 120_000);

  it('warns a reader: their next posts go through and carry the warning until they acknowledge it', async () => {
    const story = await publishStory();
    const ann = reader();
    const warning = await api('POST', `/api/v1/moderation/users/${ann.sub}/sanctions`, { token: moderator(1), body: { kind: 'warn', reason: 'Keep it civil: attack the argument, not the person.' } });
    expect(warning.status).toBe(201);
    expect(warning.body).toMatchObject({ kind: 'warn', status: 'active' });
    expect((await api('POST', `/api/v1/moderation/users/${ann.sub}/sanctions`, { token: moderator(1), body: { kind: 'warn', reason: 'x', until: new Date(Date.now() + 3_600_000).toISOString() } })).status).toBe(400);

    // The comments service hears of it from user.sanctioned; the post is accepted and told.
    let first = '';
    await eventually(async () => {
      const response = await api('POST', `/api/v1/articles/${story}/comments`, { token: ann.token, body: { body: `I take the point about tone, attempt ${randomUUID().slice(0, 4)}.` } });
      expect(response.status).toBe(202);
      first ||= response.body.id;
      expect(response.body.warnings).toEqual([{ id: warning.body.id, reason: 'Keep it civil: attack the argument, not the person.', at: warning.body.at }]);
    }, SLOW);
    // Warned, not pre-moderated: the rules approve a clean comment as usual.
    await eventually(async () => expect((await api('GET', `/api/v1/comments/${first}`, { token: ann.token })).body.status).toBe('approved'), SLOW);

    // Only the warned reader can acknowledge it.
    expect((await api('POST', `/api/v1/me/warnings/${warning.body.id}/acknowledge`, { token: reader().token })).status).toBe(404);
    const acknowledged = await api('POST', `/api/v1/me/warnings/${warning.body.id}/acknowledge`, { token: ann.token });
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toMatchObject({ id: warning.body.id, status: 'acknowledged', lifted: { by: { id: ann.sub } } });
    expect((await api('POST', `/api/v1/me/warnings/${warning.body.id}/acknowledge`, { token: ann.token })).body).toEqual(acknowledged.body);

    await eventually(async () => {
      const response = await api('POST', `/api/v1/articles/${story}/comments`, { token: ann.token, body: { body: `Thanks, noted. ${randomUUID().slice(0, 4)}` } });
      expect(response.status).toBe(202);
      expect(response.body.warnings).toBeUndefined();
    }, SLOW);
    const record = await api('GET', `/api/v1/moderation/users/${ann.sub}`, { token: moderator(1) });
    expect(record.body.sanctions).toEqual([expect.objectContaining({ id: warning.body.id, kind: 'warn', status: 'acknowledged' })]);
    expect(record.body.activeSanctions).toEqual([]);
  }, 180_000);

  it('narrows the queue and its counts to a section (a category, a set of stories) and counts the open queues per section', async () => {
    const desk = `Desk ${randomUUID().slice(0, 8)}`;
    const [crime, sport, other] = await Promise.all([
      publishStory({ categories: [desk, 'Public Safety'] }),
      publishStory({ categories: [desk] }),
      publishStory({ categories: ['Elsewhere'] }),
    ]);
    const ann = reader();
    const held = [
      await post(crime, ann.token, 'Only a moron would sign this budget at 3 a.m.'),
      await post(sport, ann.token, 'You are all liars in that stadium office'),
      await post(other, ann.token, 'Only a moron would drive like that on Route 9'),
    ];
    const queueOf = async (query: string) => {
      const response = await api('GET', `/api/v1/moderation/queue?status=held&${query}`, { token: moderator(1) });
      expect(response.status).toBe(200);
      return response.body.items.map((i: { comment: { id: string } }) => i.comment.id) as string[];
    };
    await eventually(async () => expect((await queueOf(`category=${encodeURIComponent(desk)}`)).sort()).toEqual([held[0], held[1]].sort()), SLOW);
    expect(await queueOf(`category=${encodeURIComponent(desk)}&articleIds=${sport},${other}`)).toEqual([held[1]]);
    expect((await queueOf(`articleIds=${crime},${other}`)).sort()).toEqual([held[0], held[2]].sort());
    expect(await queueOf(`category=${encodeURIComponent(`${desk} nobody posts to`)}`)).toEqual([]);
    expect((await api('GET', `/api/v1/moderation/queue?articleIds=${crime},not-a-story`, { token: moderator(1) })).status).toBe(400);

    const counts = await api('GET', `/api/v1/moderation/queue/counts?category=${encodeURIComponent(desk)}`, { token: moderator(1) });
    expect(counts.body).toEqual({ held: 2, reported: 0, approved: 0, rejected: 0 });
    const sections = await api('GET', '/api/v1/moderation/queue/sections', { token: moderator(1) });
    expect(sections.status).toBe(200);
    expect(sections.body.sections).toContainEqual({ category: desk, held: 2, reported: 0 });
    expect(sections.body.sections.find((s: { category: string }) => s.category === 'Public Safety').held).toBeGreaterThanOrEqual(1);
  }, 180_000);
});
