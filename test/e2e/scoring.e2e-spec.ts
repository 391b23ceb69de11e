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
});
