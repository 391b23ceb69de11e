import { articleInput, eventually } from '@app/testing';
import { api, editorToken, tokenFor } from '../support/api';
import { akismetStandIn, perspectiveStandIn, StandIn } from '../support/scorer-stand-ins';
import { currentPid, startService, stopProcess, system, waitReady } from '../support/services';

/**
 * Scorers through the gateway: the moderation service restarted with Perspective and Akismet
 * pointed at local stand-ins (test/support/scorer-stand-ins.ts); a toxic comment rejected, a
 * spam one held, a timed-out call held for a human, each with the scorer's evidence.
 */

let perspective: StandIn;
let akismet: StandIn;

const moderator = tokenFor({ sub: 'mod-scoring', name: 'Scoring Moderator', roles: ['moderator'] });

async function restartModeration(env: NodeJS.ProcessEnv) {
  const sut = system();
  await stopProcess(currentPid(sut, 'moderation'));
  startService(sut, 'moderation', sut.ports.moderation, env);
  await waitReady(sut.ports.moderation);
}

async function publishStory(): Promise<string> {
  const response = await api('POST', '/api/v1/articles', { token: editorToken(), body: articleInput() });
  expect(response.status).toBe(201);
  const id = response.body.id as string;
  await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}/comments`)).status).toBe(200));
  return id;
}

const decided = (commentId: string) =>
  eventually(async () => {
    const response = await api('GET', `/api/v1/moderation/comments/${commentId}/history`, { token: moderator });
    expect(response.status).toBe(200);
    expect(response.body.comment.status).not.toBe('pending');
    return response.body;
  }, { timeoutMs: 60_000 });

describe('scorers as rules, through the gateway', () => {
  beforeAll(async () => {
    [perspective, akismet] = await Promise.all([perspectiveStandIn('e2e-perspective-key'), akismetStandIn('e2e-akismet-key')]);
    await restartModeration({
      MODERATION_PERSPECTIVE_URL: perspective.url,
      MODERATION_PERSPECTIVE_KEY: 'e2e-perspective-key',
      MODERATION_AKISMET_URL: akismet.url,
      MODERATION_AKISMET_KEY: 'e2e-akismet-key',
      MODERATION_AKISMET_BLOG: 'https://news.example/',
      MODERATION_SCORER_DEADLINE_MS: '1500',
      MODERATION_SCORER_FALLBACK: 'hold',
      // Our filter, on with a tiny bar: it abstains until trained (the first test), then holds (the second).
      MODERATION_FILTER_ENABLED: 'true',
      MODERATION_FILTER_MIN_EXAMPLES: '3',
    });
  }, 120_000);

  afterAll(async () => {
    // The other suites expect the moderation service as the global setup started it.
    await restartModeration({});
    await Promise.all([perspective?.close(), akismet?.close()]);
  }, 120_000);

  it('rejects a toxic comment, holds a spam one and holds one whose scorer timed out, naming scorer, score and threshold', async () => {
    const story = await publishStory();
    const post = async (name: string, body: string) => {
      const token = tokenFor({ sub: `reader-${name.length}-${Math.random().toString(36).slice(2, 8)}`, name, roles: ['reader'] });
      const response = await api('POST', `/api/v1/articles/${story}/comments`, { token, body: { body } });
      expect(response.status).toBe(202);
      return response.body.id as string;
    };
    const toxic = await post('Ann Reader', 'The mayor is a worthless, pathetic excuse for a leader');
    const spam = await post('viagra-test-123', 'Great article, thanks for sharing it with us');
    const slow = await post('Bob Reader', 'slow-please: a perfectly polite comment on the budget');
    const clean = await post('Carl Reader', 'I think the council should publish the figures first');

    const [toxicCase, spamCase, slowCase, cleanCase] = await Promise.all([decided(toxic), decided(spam), decided(slow), decided(clean)]);
    expect(toxicCase.comment.status).toBe('rejected');
    expect(toxicCase.verdict).toMatchObject({ rule: 'scores', decision: 'reject', reason: expect.stringContaining('perspective toxicity 0.95 ≥ reject threshold 0.90') });
    expect(spamCase.comment.status).toBe('held');
    expect(spamCase.verdict).toMatchObject({ rule: 'scores', decision: 'hold', reason: expect.stringContaining('akismet spam 0.90 ≥ hold threshold 0.50 (comment-check "true")') });
    expect(slowCase.comment.status).toBe('held');
    expect(slowCase.verdict.reason).toContain('gave no toxicity score (timeout: no answer within 1500 ms); held for a human');
    expect(cleanCase.comment.status).toBe('approved');

    // Akismet was sent the documented form for each comment.
    const forms = akismet.requests.map((r) => new URLSearchParams(r.body));
    expect(forms.find((f) => f.get('comment_author') === 'viagra-test-123')?.get('blog')).toBe('https://news.example/');
  });

  it("trains our filter from this journal's decisions (rules rejects, moderators' approvals) and holds what resembles the rejects", async () => {
    const story = await publishStory();
    const reader = (n: number) => tokenFor({ sub: `filter-reader-${n}-${Math.random().toString(36).slice(2, 8)}`, name: `Filter Reader ${n}`, roles: ['reader'] });
    const post = async (body: string, n: number) => {
      const response = await api('POST', `/api/v1/articles/${story}/comments`, { token: reader(n), body: { body } });
      expect(response.status).toBe(202);
      return response.body.id as string;
    };
    const spam = ['Cheap pills and a casino bonus, fuck the rest, click this offer', 'Casino bonus winner, cheap pills, fuck it, click the offer now', 'Click this cheap offer: pills, casino bonus, fuck yes'];
    const civil = ['Only a moron would sign this budget at 3 a.m.', 'Only a moron would skip the budget hearing', 'Only a moron would close the library on Saturdays'];
    const rejected = await Promise.all(spam.map((body, n) => post(body, n)));
    const held = await Promise.all(civil.map((body, n) => post(body, 10 + n)));
    for (const id of rejected) expect((await decided(id)).comment.status).toBe('rejected');
    for (const id of held) {
      expect((await decided(id)).comment.status).toBe('held');
      const approved = await api('POST', `/api/v1/moderation/comments/${id}/decision`, { token: moderator, body: { decision: 'approve', reason: 'blunt, but about the budget' } });
      expect(approved.status).toBe(200);
    }

    const trained = await api('POST', '/api/v1/moderation/filter/retrain', { token: moderator });
    expect(trained.status).toBe(200);
    expect(trained.body).toMatchObject({ trained: true, version: expect.any(Number) });
    expect(trained.body.examples.reject).toBeGreaterThanOrEqual(3);
    expect(trained.body.examples.approve).toBeGreaterThanOrEqual(3);
    expect(trained.body.heldOut.at[0]).toMatchObject({ threshold: 0.9, precision: expect.any(Number), recall: expect.any(Number) });
    const status = await api('GET', '/api/v1/moderation/filter', { token: moderator });
    expect(status.body).toMatchObject({ enabled: true, minExamples: 3, thresholds: { hold: 0.9 }, model: { version: trained.body.version } });

    // No banned word, so the rules would approve it; the filter has learned what moderators reject.
    const lookalike = await post('Cheap pills and a casino bonus: click this offer today', 20);
    const verdict = await decided(lookalike);
    expect(verdict.comment.status).toBe('held');
    expect(verdict.verdict).toMatchObject({ rule: 'scores', decision: 'hold', reason: expect.stringContaining(`≥ hold threshold 0.90 (model v${trained.body.version} trained on`) });
    expect(verdict.verdict.reason).toMatch(/filter moderator rejection \d\.\d\d/);
  }, 180_000);
});
