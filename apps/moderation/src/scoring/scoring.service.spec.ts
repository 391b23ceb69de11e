// The scorers against local HTTP stand-ins that speak Perspective's and Akismet's documented
// shapes (test/support/scorer-stand-ins.ts): scores, errors, 429s, deadlines and the breaker.
import { metricsRegistry } from '@app/observability';
import { akismetStandIn, perspectiveStandIn, StandIn } from '../../../../test/support/scorer-stand-ins';
import { AkismetScorer } from './akismet.scorer';
import { PerspectiveScorer } from './perspective.scorer';
import { ScoringInput } from './scorer';
import { ScoringService, ScoringSettings } from './scoring.service';

const settings = (overrides: Partial<ScoringSettings> = {}): ScoringSettings => ({
  thresholds: { perspective: { hold: 0.7, reject: 0.9 }, akismet: { hold: 0.5, reject: 0.95 } },
  fallback: 'hold',
  deadlineMs: 1_500, // generous: the test machine is shared; the timeout test waits on a 4 s stand-in
  breakerErrorPercent: 50,
  breakerResetMs: 60_000,
  breakerVolume: 1_000,
  ...overrides,
});
let n = 0;
const input = (body: string, author = 'Ann Reader'): ScoringInput => ({
  commentId: `c-${++n}`,
  body,
  author: { id: 'u1', name: author },
  story: { id: 's1', slug: 'budget-vote' },
  at: new Date('2026-12-02T10:00:00Z'),
});
const metric = async (name: string, labels: Record<string, string>) => {
  const found = (await metricsRegistry.getMetricsAsJSON()).find((m) => m.name === name);
  return (found?.values ?? []).filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((sum, v) => sum + v.value, 0);
};

describe('scorers against their stand-ins', () => {
  let perspective: StandIn;
  let akismet: StandIn;
  const services: ScoringService[] = [];
  const service = (overrides: Partial<ScoringSettings> = {}, keys = { perspective: 'p-key', akismet: 'a-key' }) => {
    const s = new ScoringService(
      [new PerspectiveScorer(perspective.url, keys.perspective), new AkismetScorer(akismet.url, keys.akismet, 'https://news.example/')],
      settings(overrides),
    );
    services.push(s);
    return s;
  };

  beforeAll(async () => {
    [perspective, akismet] = await Promise.all([perspectiveStandIn('p-key'), akismetStandIn('a-key')]);
  });
  afterAll(async () => {
    for (const s of services) s.onModuleDestroy();
    await Promise.all([perspective.close(), akismet.close()]);
  });

  it('sends each service its documented request', async () => {
    await service().score([input('A fine point about the budget')]);
    const p = perspective.requests.at(-1)!;
    expect(p.query.get('key')).toBe('p-key');
    expect(JSON.parse(p.body)).toMatchObject({ comment: { text: 'A fine point about the budget' }, requestedAttributes: { TOXICITY: {} }, doNotStore: true });
    const form = new URLSearchParams(akismet.requests.at(-1)!.body);
    expect(Object.fromEntries(form)).toMatchObject({
      api_key: 'a-key',
      blog: 'https://news.example/',
      comment_type: 'comment',
      comment_author: 'Ann Reader',
      comment_content: 'A fine point about the budget',
      permalink: 'https://news.example/stories/budget-vote',
    });
  });

  it('scores a batch, each comment with every scorer, in order', async () => {
    const [clean, toxic, spam] = await service().score([input('Thanks for the report'), input('You worthless, pathetic clown'), input('Great post', 'viagra-test-123')]);
    expect(clean).toEqual([
      expect.objectContaining({ scorer: 'perspective', score: 0.03 }),
      expect.objectContaining({ scorer: 'akismet', score: 0, evidence: 'comment-check "false"' }),
    ]);
    expect(toxic![0]).toMatchObject({ scorer: 'perspective', measures: 'toxicity', score: 0.95 });
    expect(spam![1]).toMatchObject({ scorer: 'akismet', measures: 'spam', score: 0.9, evidence: 'comment-check "true"' });
  });

  it('reads X-akismet-pro-tip: discard as blatant spam, rejected', async () => {
    const s = service();
    const [outcomes] = await s.score([input('cheap pills here')]);
    expect(outcomes![1]).toMatchObject({ score: 1, evidence: 'comment-check "true", X-akismet-pro-tip: discard' });
    expect(s.verdict({ rule: 'clean', decision: 'approve', evidence: 'no rule objected' }, outcomes!)).toMatchObject({
      rule: 'scores',
      decision: 'reject',
      evidence: expect.stringContaining('akismet spam 1.00 ≥ reject threshold 0.95'),
    });
  });

  it.each([
    ['a 429', 'rate-limit-please', 'rate_limited', /perspective answered 429 \(rate limited, retry after 30\)/],
    ['a 500', 'fail-please', 'error', /perspective answered 500 INTERNAL/],
  ])('turns %s into a failed outcome, counted, never an exception', async (_name, body, failed, detail) => {
    const before = await metric('moderation_scorer_calls_total', { scorer: 'perspective', outcome: failed });
    const [outcomes] = await service().score([input(body)]);
    expect(outcomes![0]).toMatchObject({ scorer: 'perspective', failed, detail: expect.stringMatching(detail) });
    expect(await metric('moderation_scorer_calls_total', { scorer: 'perspective', outcome: failed })).toBe(before + 1);
  });

  it('reports a bad key as the service words it', async () => {
    const [outcomes] = await service({}, { perspective: 'wrong', akismet: 'wrong' }).score([input('hello')]);
    expect(outcomes![0]).toMatchObject({ failed: 'error', detail: expect.stringContaining('INVALID_ARGUMENT: API key not valid') });
    expect(outcomes![1]).toMatchObject({ failed: 'error', detail: expect.stringContaining('"invalid" (We were unable to verify your API key.)') });
  });

  it('gives up at the deadline: a slow scorer costs the deadline, then the fallback holds, counted', async () => {
    const s = service();
    const before = await metric('moderation_scorer_fallbacks_total', { scorer: 'akismet', fallback: 'hold' });
    const started = Date.now();
    const [outcomes] = await s.score([input('slow-please, a fine comment')]);
    expect(Date.now() - started).toBeLessThan(3_500);
    expect(outcomes).toEqual([
      expect.objectContaining({ scorer: 'perspective', failed: 'timeout', detail: 'no answer within 1500 ms' }),
      expect.objectContaining({ scorer: 'akismet', failed: 'timeout' }),
    ]);
    const verdict = s.verdict({ rule: 'clean', decision: 'approve', evidence: 'no rule objected' }, outcomes!);
    expect(verdict).toMatchObject({ rule: 'scores', decision: 'hold', evidence: expect.stringContaining('akismet gave no spam score (timeout') });
    expect(await metric('moderation_scorer_fallbacks_total', { scorer: 'akismet', fallback: 'hold' })).toBe(before + 1);
  });

  it('skips a failed scorer when the fallback is skip', async () => {
    const s = service({ fallback: 'skip' });
    const [outcomes] = await s.score([input('fail-please but polite')]);
    expect(s.verdict({ rule: 'clean', decision: 'approve', evidence: 'no rule objected' }, outcomes!)).toEqual({
      rule: 'clean',
      decision: 'approve',
      evidence: 'no rule objected; perspective skipped (error); akismet skipped (error)',
    });
  });

  it('opens the breaker after repeated failures: later calls fail at once, without a request', async () => {
    const s = service({ breakerVolume: 2, breakerErrorPercent: 50 });
    await s.score([input('fail-please one'), input('fail-please two')]);
    await s.score([input('fail-please three')]);
    const sent = perspective.requests.length;
    const [outcomes] = await s.score([input('a clean comment')]);
    expect(outcomes![0]).toMatchObject({ scorer: 'perspective', failed: 'breaker_open' });
    expect(perspective.requests.length).toBe(sent);
  });
});
