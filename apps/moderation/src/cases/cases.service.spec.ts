import { randomUUID } from 'node:crypto';
import { Actor, CommentSubmittedPayload, DomainError, EventEnvelope, QueueQuery } from '@app/contracts';
import { EventPublisher, OutboxRelay } from '@app/kafka';
import { ModerationConfig } from '../moderation.config';
import { ruleSettingsFrom } from '../rules/rule-settings';
import { ScoringService } from '../scoring/scoring.service';
import { scorersFrom, scoringSettingsFrom } from '../scoring/scoring.settings';
import { SanctionView } from '../sanctions/sanction.rules';
import { SanctionsService } from '../sanctions/sanctions.service';
import { NotesService } from '../notes/notes.service';
import { StoriesService } from '../stories/stories.service';
import { StoryDocument } from '../stories/story.schema';
import { CaseDocument, CaseEntryDocument, CaseState } from './case.schema';
import { CasesRepository, emptyCounts, QueueFilter, StatusCounts } from './cases.repository';
import { CasesService } from './cases.service';

/**
 * The journal and its projection in memory, with the database's one guarantee the service relies
 * on: an insert with a taken _id or uniq fails. Reads yield to the event loop, so two callers
 * started together both read before either writes, as two requests racing would.
 */
class MemoryCases {
  readonly entries: CaseEntryDocument[] = [];
  readonly cases = new Map<string, CaseDocument>();
  /** Journal reads (latest), to see which commits needed one. */
  reads = 0;
  /** Projections to fail, as a crash between commit and projection would leave them. */
  failProjections = 0;
  private readonly tick = () => new Promise((resolve) => setImmediate(resolve));

  async latest(caseId: string) {
    this.reads++;
    await this.tick();
    const mine = this.entries.filter((e) => e.caseId === caseId).sort((a, b) => b.seq - a.seq);
    return mine[0] ? structuredClone(mine[0]) : null;
  }

  async insert(entry: CaseEntryDocument) {
    await this.tick();
    if (this.entries.some((e) => e._id === entry._id || e.uniq === entry.uniq)) return false;
    this.entries.push(structuredClone(entry));
    return true;
  }

  async history(caseId: string) {
    return this.entries.filter((e) => e.caseId === caseId).sort((a, b) => a.seq - b.seq);
  }

  async project(seq: number, state: CaseState) {
    if (this.failProjections > 0 && this.failProjections--) throw new Error('crashed before projecting');
    const existing = this.cases.get(state.commentId);
    if (existing && existing.seq >= seq) return 'unchanged' as const;
    const { commentId, author, ...rest } = state;
    this.cases.set(commentId, { _id: commentId, ...structuredClone(rest), seq, authorName: author.name, ...(author.id ? { authorId: author.id } : {}) });
    return existing ? ('updated' as const) : ('created' as const);
  }

  async projectedSeq(caseId: string) {
    return this.cases.get(caseId)?.seq ?? 0;
  }

  async findQueue(filter: QueueFilter) {
    return [...this.cases.values()]
      .filter((c) => c.status === filter.status)
      .filter((c) => !filter.articleId || c.articleId === filter.articleId)
      .filter((c) => !filter.authorId || c.authorId === filter.authorId)
      .filter((c) => !filter.text || c.body.toLowerCase().includes(filter.text.toLowerCase()))
      .filter((c) => !filter.from || c.postedAt >= filter.from)
      .filter((c) => !filter.to || c.postedAt < filter.to)
      .sort((a, b) => a.postedAt.getTime() - b.postedAt.getTime() || a._id.localeCompare(b._id))
      .filter((c) => !filter.after || c.postedAt > filter.after.postedAt || (c.postedAt.getTime() === filter.after.postedAt.getTime() && c._id > filter.after.id))
      .slice(0, filter.limit);
  }

  async countsByAuthor(authorIds: string[]) {
    const counts = new Map<string, StatusCounts>();
    for (const c of this.cases.values()) {
      if (!c.authorId || !authorIds.includes(c.authorId)) continue;
      const row = counts.get(c.authorId) ?? emptyCounts();
      row[c.status]++;
      counts.set(c.authorId, row);
    }
    return counts;
  }

  /** Reads of an author's latest cases. */
  historyReads = 0;

  async latestCasesOf(authorId: string, limit: number) {
    this.historyReads++;
    return [...this.cases.values()]
      .filter((c) => c.authorId === authorId)
      .sort((a, b) => b.postedAt.getTime() - a.postedAt.getTime())
      .slice(0, limit)
      .map((c) => ({ id: c._id, status: c.status, postedAt: c.postedAt, body: c.body }));
  }

  /** Precise counts asked for (when the latest cases could not tell). */
  counts = 0;

  async countApproved(authorId: string, exceptId: string) {
    this.counts++;
    return [...this.cases.values()].filter((c) => c.authorId === authorId && c._id !== exceptId && ['approved', 'reported'].includes(c.status)).length;
  }

  async recentOf(authorId: string) {
    return [...this.cases.values()].filter((c) => c.authorId === authorId);
  }
}

const config = Object.assign(new ModerationConfig(), {
  MODERATION_BANNED_WORDS: ['scumbag'],
  MODERATION_NEW_COMMENTER_THRESHOLD: 0,
  MODERATION_REPORT_THRESHOLD: 2,
});

const mona: Actor = { id: 'mod-1', name: 'Mona Moderator', roles: ['moderator'] };
const otto: Actor = { id: 'mod-2', name: 'Otto Moderator', roles: ['moderator'] };

function setup(overrides: Partial<ModerationConfig> = {}) {
  const settings = { ...config, ...overrides } as ModerationConfig;
  const memory = new MemoryCases();
  const stories = new Map<string, StoryDocument>();
  const sanctions = new Map<string, SanctionView[]>();
  const published: EventEnvelope<unknown>[] = [];
  const storiesService = {
    find: async (id: string) => stories.get(id) ?? null,
    findMany: async (ids: string[]) => new Map(ids.flatMap((id) => (stories.has(id) ? [[id, stories.get(id)!] as const] : []))),
  };
  const sanctionsService = { activeFor: async (ids: string[]) => new Map(ids.flatMap((id) => (sanctions.has(id) ? [[id, sanctions.get(id)!] as const] : []))) };
  const relay = { publishSoon: ({ events }: { events: EventEnvelope<unknown>[] }) => published.push(...events) };
  const service = new CasesService(
    memory as unknown as CasesRepository,
    storiesService as unknown as StoriesService,
    sanctionsService as unknown as SanctionsService,
    settings,
    ruleSettingsFrom(settings),
    relay as unknown as OutboxRelay,
    { publishTogether: async (events: EventEnvelope<unknown>[]) => void published.push(...events) } as unknown as EventPublisher,
    new ScoringService(scorersFrom(settings), scoringSettingsFrom(settings)),
    { summaries: async () => new Map() } as unknown as NotesService,
  );
  service.storyWaitMs = 0;
  const story = (preModeration = false) => {
    const id = randomUUID();
    stories.set(id, { _id: id, revision: 1, slug: `story-${id.slice(0, 6)}`, title: 'A story', preModeration, published: true });
    return id;
  };
  const decided = () => published.filter((e) => e.type === 'moderation.decided').map((e) => e.payload as Record<string, unknown>);
  return { service, memory, story, sanctions, published, decided };
}

const submission = (articleId: string, body: string, overrides: Partial<CommentSubmittedPayload> = {}): CommentSubmittedPayload => ({
  commentId: randomUUID(),
  articleId,
  author: { id: `reader-${randomUUID().slice(0, 6)}`, name: 'Ann Reader' },
  body,
  revision: 1,
  at: new Date(),
  ...overrides,
});

const queue = (query: Partial<QueueQuery> = {}): QueueQuery => ({ status: 'held', limit: 50, ...query }) as QueueQuery;

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'no error';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

describe('CasesService', () => {
  it.each([
    ['a clean comment', 'When will Malloy bring in the National Guard?', 'approve', 'clean'],
    ['a banned word, spaced out', 'what a s c u m b a g', 'reject', 'banned_words'],
    ['a suspect word', 'only a m0r0n would say that', 'hold', 'suspect_words'],
    ['a link', 'read https://example.com/x', 'hold', 'links'],
  ])('reviews %s and announces the verdict with its reason', async (_name, body, decision, rule) => {
    const { service, story, decided, memory } = setup();
    const input = submission(story(), body);
    await service.review(input);
    expect(decided()).toEqual([expect.objectContaining({ commentId: input.commentId, articleId: input.articleId, revision: 1, decision, rule })]);
    expect((decided()[0]!.reason as string).length).toBeGreaterThan(5);
    expect(memory.cases.get(input.commentId)).toMatchObject({ seq: 1, status: { approve: 'approved', hold: 'held', reject: 'rejected' }[decision] });
  });

  it('applies a redelivered or stale event once, and reviews an edit again', async () => {
    const { service, story, decided, memory, published } = setup();
    const input = submission(story(), 'Fine words');
    await service.review(input);
    await service.review(input);
    // The redelivery sends the case's decision on that revision again (its first send may be what
    // a crash interrupted): the same decision, the same place in the journal.
    expect(decided()).toHaveLength(2);
    expect(decided()[1]).toEqual(decided()[0]);
    // ... and the same event: one id, so the copy is not a second decision to anyone counting them.
    const ids = published.filter((e) => e.type === 'moderation.decided').map((e) => e.id);
    expect(ids[1]).toBe(ids[0]);
    await service.review({ ...input, revision: 2, body: 'Now with http://spam.example.com' });
    await service.review(input);
    expect(decided().map((d) => [d.revision, d.decision, d.decisionSeq])).toEqual([
      [1, 'approve', 1],
      [1, 'approve', 1],
      [2, 'hold', 2],
    ]);
    expect((await service.history(input.commentId)).history.map((h) => h.type)).toEqual(['submitted', 'rule_verdict', 'edited', 'rule_verdict']);
    expect(memory.entries).toHaveLength(2);
  });

  it('commits a first revision without reading the journal, and a redelivery still re-projects what a crash left behind', async () => {
    const { service, story, decided, memory } = setup();
    const input = submission(story(), 'First words here');
    memory.failProjections = 1;
    await expect(service.review(input)).rejects.toThrow('crashed before projecting');
    expect(memory.reads).toBe(0);
    expect(memory.entries).toHaveLength(1);
    expect(memory.cases.has(input.commentId)).toBe(false);

    // The redelivered submission: its guessed insert is refused, the re-read plan changes nothing, the projection is repaired.
    await service.review(input);
    expect(memory.reads).toBe(1);
    expect(memory.entries).toHaveLength(1);
    expect(memory.cases.get(input.commentId)).toMatchObject({ seq: 1, status: 'approved' });
    // Sent only by the redelivery: the crash came before the first send.
    expect(decided()).toHaveLength(1);
  });

  it('decides once when the same first revision is delivered twice at the same moment', async () => {
    const { service, story, decided, memory } = setup();
    const input = submission(story(), 'Said twice at once');
    await Promise.all([service.review(input), service.review(input)]);
    expect(memory.entries.map((e) => e.seq)).toEqual([1]);
    // One decision, sent by each delivery.
    expect(new Set(decided().map((d) => JSON.stringify(d))).size).toBe(1);
    expect(memory.cases.get(input.commentId)).toMatchObject({ seq: 1 });
  });

  it('reads the journal before reviewing an edit, whose case exists', async () => {
    const { service, story, decided, memory } = setup();
    const input = submission(story(), 'Before the edit');
    await service.review(input);
    expect(memory.reads).toBe(0);
    await service.review({ ...input, revision: 2, body: 'After the edit' });
    // One read to plan the edit, one to check the projection caught up with the journal.
    expect(memory.reads).toBe(2);
    expect(decided().map((d) => d.revision)).toEqual([1, 2]);
  });

  it('holds on a pre-moderated story, an unknown story, a sanctioned reader and a new commenter', async () => {
    const { service, story, sanctions, decided } = setup({ MODERATION_NEW_COMMENTER_THRESHOLD: 1 } as Partial<ModerationConfig>);
    const veteran = { id: 'veteran', name: 'Vera' };
    await service.review(submission(story(), 'My first words', { author: veteran, at: new Date(Date.now() - 3_600_000) }));
    expect(decided()[0]).toMatchObject({ decision: 'hold', rule: 'new_commenter' });
    const [first] = (await service.queue(queue())).items;
    await service.decide(first!.comment.id, { decision: 'approve', reason: 'welcome' }, mona);

    await service.review(submission(story(true), 'Words on a pre-moderated story', { author: veteran }));
    await service.review(submission(randomUUID(), 'Words on a story nobody announced', { author: veteran }));
    sanctions.set('veteran', [{ id: randomUUID(), userId: 'veteran', kind: 'premoderate', reason: 'flame wars', by: mona, at: new Date().toISOString(), status: 'active' }]);
    await service.review(submission(story(), 'Words while sanctioned', { author: veteran }));
    expect(decided().slice(2).map((d) => d.rule)).toEqual(['story_premoderation', 'unknown_story', 'author_premoderation']);
    expect(decided()[4]!.reason).toContain('premoderate sanction until lifted (flame wars)');
  });

  it("counts an author's approved comments precisely only when their latest cases cannot tell", async () => {
    // Statuses are changed behind the service's back below: no author history in memory here.
    const { service, story, decided, memory } = setup({ MODERATION_NEW_COMMENTER_THRESHOLD: 2, MODERATION_AUTHOR_CACHE_MAX_BYTES: 0 } as Partial<ModerationConfig>);
    const author = { id: 'prolific', name: 'Pro' };
    const articleId = story();
    const base = Date.now() - 86_400_000;
    const past: string[] = [];
    for (let i = 0; i < 52; i++) {
      const old = submission(articleId, `old words number ${i}`, { author, at: new Date(base + i * 1000) });
      await service.review(old);
      past.push(old.commentId);
    }
    // Two approved comments long ago, then 50 held ones: the latest 50 show none approved.
    past.forEach((id, i) => (memory.cases.get(id)!.status = i < 2 ? 'approved' : 'held'));
    memory.counts = 0;
    await service.review(submission(articleId, 'Clean words at last', { author }));
    expect(memory.counts).toBe(1);
    expect(decided().at(-1)).toMatchObject({ decision: 'approve', rule: 'clean' });

    // Two approved among the latest settle it without a count.
    memory.cases.get(past[51]!)!.status = 'approved';
    await service.review(submission(articleId, 'More clean words', { author }));
    expect(memory.counts).toBe(1);
    expect(decided().at(-1)).toMatchObject({ decision: 'approve', rule: 'clean' });
  });

  it("reads an author's history once, then keeps it by its own decisions (new commenter and repeats still judged)", async () => {
    const { service, story, decided, memory } = setup({ MODERATION_NEW_COMMENTER_THRESHOLD: 2 } as Partial<ModerationConfig>);
    const author = { id: 'newcomer', name: 'Nia' };
    const articleId = story();
    memory.historyReads = 0;
    await service.review(submission(articleId, 'My very first comment', { author }));
    expect(decided().at(-1)).toMatchObject({ decision: 'hold', rule: 'new_commenter' });
    const held = decided().at(-1)!;
    // A moderator approves it: this instance's own commit, so the history in memory follows.
    await service.decide(held.commentId as string, { decision: 'approve', reason: 'welcome' }, mona);
    await service.review(submission(articleId, 'A second thought on it', { author }));
    expect(decided().at(-1)).toMatchObject({ decision: 'hold', rule: 'new_commenter' });
    await service.decide(decided().at(-1)!.commentId as string, { decision: 'approve', reason: 'fine' }, mona);
    await service.review(submission(articleId, 'Now I am a regular here', { author }));
    expect(decided().at(-1)).toMatchObject({ decision: 'approve', rule: 'clean' });
    await service.review(submission(articleId, 'Now I am a regular here', { author }));
    expect(decided().at(-1)).toMatchObject({ decision: 'reject', rule: 'repeat' });
    expect(memory.historyReads).toBe(1);
  });

  it('rejects the same text from the same reader within the window as a repeat', async () => {
    const { service, story, decided } = setup();
    const author = { id: 'echo', name: 'Echo' };
    await service.review(submission(story(), 'Vote them all out', { author }));
    await service.review(submission(story(), 'vote  them ALL out', { author }));
    await service.review(submission(story(), 'Vote them all out', { author: { id: 'someone-else', name: 'Else' } }));
    expect(decided().map((d) => d.rule)).toEqual(['clean', 'repeat', 'clean']);
  });

  it('lets one of two racing moderators win; the other gets 409 already_decided', async () => {
    const { service, story, decided } = setup();
    const input = submission(story(), 'you moron');
    await service.review(input);
    const outcomes = await Promise.allSettled([
      service.decide(input.commentId, { decision: 'approve', reason: 'harsh but fair' }, mona),
      service.decide(input.commentId, { decision: 'reject', reason: 'insult' }, otto),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
    expect((lost.reason as DomainError).code).toBe('already_decided');
    const human = decided().filter((d) => d.rule === 'moderator');
    expect(human).toHaveLength(1);
    expect(human[0]!.moderator).toMatchObject({ id: expect.stringMatching(/^mod-/) });
  });

  it("repairs a moderator decision's projection a crash left behind when the next attempt is refused (already_decided)", async () => {
    const { service, story, memory } = setup();
    const input = submission(story(), 'you moron');
    await service.review(input);
    memory.failProjections = 1;
    await expect(service.decide(input.commentId, { decision: 'reject', reason: 'insult' }, mona)).rejects.toThrow('crashed before projecting');
    expect(memory.cases.get(input.commentId)).toMatchObject({ seq: 1, status: 'held' });

    // The journal holds the decision; the retry is refused, and the queue no longer shows the comment held.
    expect(await codeOf(service.decide(input.commentId, { decision: 'reject', reason: 'insult' }, mona))).toBe('already_decided');
    expect(memory.cases.get(input.commentId)).toMatchObject({ seq: 2, status: 'rejected' });
    expect((await service.queue(queue())).items.map((item) => item.comment.id)).not.toContain(input.commentId);
  });

  it('refuses a decision for an edited revision, an unknown comment, and reports each bulk item', async () => {
    const { service, story } = setup();
    const input = submission(story(), 'you moron');
    await service.review(input);
    await service.review({ ...input, revision: 2, body: 'you moron, I said' });
    expect(await codeOf(service.decide(input.commentId, { decision: 'approve', reason: 'ok', revision: 1 }, mona))).toBe('revision_changed');
    const unknown = randomUUID();
    expect(await codeOf(service.decide(unknown, { decision: 'approve', reason: 'ok' }, mona))).toBe('comment_not_found');

    const other = submission(story(), 'idiot');
    await service.review(other);
    const bulk = await service.decideMany(
      { decisions: [input, other].map((c) => ({ commentId: c.commentId, decision: 'reject' as const, reason: 'insults' })).concat([{ commentId: unknown, decision: 'reject', reason: 'x' }]) },
      mona,
    );
    expect(bulk).toMatchObject({ succeeded: 2, failed: 1 });
    expect(bulk.results).toEqual([
      { commentId: input.commentId, ok: true, status: 'rejected' },
      { commentId: other.commentId, ok: true, status: 'rejected' },
      { commentId: unknown, ok: false, code: 'comment_not_found', message: expect.any(String) },
    ]);
  });

  it('decides a bulk several comments at once, in input order, one comment\'s items one after the other', async () => {
    const { service, story } = setup();
    const held = Array.from({ length: 20 }, (_, i) => submission(story(), `you moron number ${i}`));
    for (const input of held) await service.review(input);
    // The first comment twice: its items run one after the other, so the second finds it decided
    // (as when the whole list ran in sequence), never a race between the two.
    const decisions = held.map((c) => ({ commentId: c.commentId, decision: 'reject' as 'approve' | 'reject', reason: 'insults' }));
    decisions.push({ commentId: held[0]!.commentId, decision: 'approve', reason: 'on second thought' });
    const bulk = await service.decideMany({ decisions }, mona);
    expect(bulk).toMatchObject({ succeeded: 20, failed: 1 });
    expect(bulk.results.map((r) => r.commentId)).toEqual(decisions.map((d) => d.commentId));
    expect(bulk.results.map((r) => (r.ok ? r.status : r.code))).toEqual([...held.map(() => 'rejected'), 'already_decided']);
    expect((await service.queue(queue({ status: 'rejected' }))).items).toHaveLength(20);
  });

  it('takes one report per reader, announces the count, and queues the comment at the threshold', async () => {
    const { service, story, published } = setup();
    const input = submission(story(), 'A perfectly fine opinion');
    await service.review(input);
    const reader = (n: number): Actor => ({ id: `r${n}`, name: `Reader ${n}`, roles: ['reader'] });
    expect(await service.report(input.commentId, { reason: 'rude' }, reader(1))).toEqual({ commentId: input.commentId, reports: 1 });
    const twice = await Promise.allSettled([service.report(input.commentId, { reason: 'rude' }, reader(2)), service.report(input.commentId, { reason: 'rude!' }, reader(2))]);
    expect(twice.map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as DomainError).code)).sort()).toEqual(['already_reported', 'ok']);
    expect(published.filter((e) => e.type === 'comment.reported').map((e) => (e.payload as { reports: number }).reports)).toEqual([1, 2]);
    const reported = await service.queue(queue({ status: 'reported' }));
    expect(reported.items).toHaveLength(1);
    expect(reported.items[0]!.why.reports).toMatchObject({ count: 2, unreviewed: 2 });
  });

  it('pages the queue oldest first with filters and a cursor, with story and author record', async () => {
    const { service, story } = setup();
    const articleId = story();
    const author = { id: 'pat', name: 'Pat' };
    const base = Date.now() - 60_000;
    for (let i = 0; i < 5; i++) {
      await service.review(submission(articleId, `stupid remark number ${i}`, { author, at: new Date(base + i * 1000) }));
    }
    await service.review(submission(story(), 'an idiot elsewhere', { at: new Date(base + 10_000) }));
    const first = await service.queue(queue({ articleId, limit: 2 }));
    expect(first.items.map((i) => i.comment.body)).toEqual(['stupid remark number 0', 'stupid remark number 1']);
    expect(first.items[0]).toMatchObject({ story: { id: articleId, title: 'A story' }, author: { id: 'pat', history: { held: 5 } }, why: { rule: 'suspect_words' } });
    const second = await service.queue(queue({ articleId, limit: 2, cursor: first.nextCursor! }));
    expect(second.items.map((i) => i.comment.body)).toEqual(['stupid remark number 2', 'stupid remark number 3']);
    expect((await service.queue(queue({ q: 'NUMBER 4' }))).items).toHaveLength(1);
    expect((await service.queue(queue({ from: new Date(base + 3_500), to: new Date(base + 20_000) }))).items).toHaveLength(2);
    expect(await codeOf(service.queue(queue({ cursor: 'nonsense' })))).toBe('invalid_cursor');
    expect(await service.queue(queue({ from: new Date(base), to: new Date(base) }))).toEqual({ status: 'held', items: [], nextCursor: null });
    expect((await service.queue(queue({ from: new Date(base + 20_000), to: new Date(base) }))).items).toEqual([]);
  });
});
