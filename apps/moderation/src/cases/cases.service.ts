import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  Actor,
  BulkDecisionInput,
  CommentImportedPayload,
  CommentStatusChangedPayload,
  CommentSubmittedPayload,
  createEvent,
  derivedId,
  DecisionInput,
  DomainError,
  OverrideInput,
  EventEnvelope,
  QUEUE_STATUSES,
  QueueQuery,
  QueueSection,
  ReportInput,
} from '@app/contracts';
import { EventPublisher, eventMeta, OutboxRelay } from '@app/kafka';
import { ModerationConfig } from '../moderation.config';
import { CommentUnderReview, review, RuleSettings } from '../rules/moderation.rules';
import { RULE_SETTINGS } from '../rules/rule-settings';
import { describeSanction, premoderates } from '../sanctions/sanction.rules';
import { SanctionsService } from '../sanctions/sanctions.service';
import { ScoringInput } from '../scoring/scorer';
import { ScoringService } from '../scoring/scoring.service';
import { NotesService } from '../notes/notes.service';
import { StoriesService } from '../stories/stories.service';
import { AuthorHistoryCache } from './author-history.cache';
import { readAuthorHistory, RECENT_BODIES_LIMIT } from './author-history.rules';
import { CaseChange, decideByModerator, deleteComment, importComment, overrideDecision, report, reviewRevision } from './case.rules';
import { eraseCase, redactHistory, redactState } from './case-erasure.rules';
import { CaseDocument, CaseEntryDocument, CaseState } from './case.schema';
import { CaseView, QueueItem, toCaseView, toQueueItem } from './case.view';
import { alreadyDecided, busy, commentNotFound, invalidCursor, revisionChanged } from './cases.errors';
import { CasesRepository, emptyCounts, LatestEntry, StatusCounts } from './cases.repository';

export const CASES_OUTBOX = Symbol('CASES_OUTBOX');

const scoringInput = (s: CommentSubmittedPayload): ScoringInput => ({
  commentId: s.commentId,
  body: s.body,
  author: { ...(s.author.id ? { id: s.author.id } : {}), name: s.author.name },
  story: { id: s.articleId },
  at: s.at,
});

/** A change the service is about to commit, with the events that announce it. */
interface PlannedChange extends CaseChange {
  events: EventEnvelope<unknown>[];
  /** A uniqueness rule beyond the seq (one report per reader). */
  uniq?: string;
}

export interface QueuePage {
  status: string;
  items: QueueItem[];
  nextCursor: string | null;
}

export type BulkResult = { commentId: string; ok: true; status: string } | { commentId: string; ok: false; code: string; message: string };

/** How a commit's events leave. */
interface CommitOptions {
  /** Stands in for the first read of the journal (see commit). */
  guess?: LatestEntry | null;
  /**
   * Sent by the committer before it returns, instead of through the journal's outbox: for
   * changes made while consuming an event, whose offset is committed only after the handler
   * returned, so a crash means redelivery, and the redelivery sends `again` (the events of the
   * state it finds) once more. No outbox, so no second write per entry to clear it.
   */
  send?: { again: (current: CaseState) => EventEnvelope<unknown>[] };
}

/** Writers that keep colliding on one case get this many tries before the caller is told to retry. */
const COMMIT_ATTEMPTS = 5;

/** Comments a bulk decision works on at once. */
const BULK_CONCURRENCY = 8;

/**
 * Moderation cases, one per comment: the automatic rules on every submitted or edited revision,
 * moderators' decisions, readers' reports, and the queue. Every change is one insert into the case
 * journal carrying its events (moderation.decided, comment.reported); see commit().
 */
@Injectable()
export class CasesService {
  private readonly log = new Logger(CasesService.name);
  /** How long a review waits for a story moderation has not heard of yet (its events may lag). */
  storyWaitMs = 2_000;
  private readonly authors: AuthorHistoryCache;

  constructor(
    private readonly repository: CasesRepository,
    private readonly stories: StoriesService,
    private readonly sanctions: SanctionsService,
    private readonly config: ModerationConfig,
    @Inject(RULE_SETTINGS) private readonly settings: RuleSettings,
    @Inject(CASES_OUTBOX) private readonly outbox: OutboxRelay,
    private readonly publisher: EventPublisher,
    private readonly scoring: ScoringService,
    private readonly notes: NotesService,
  ) {
    this.authors = new AuthorHistoryCache({
      keep: RECENT_BODIES_LIMIT,
      maxBytes: config.MODERATION_AUTHOR_CACHE_MAX_BYTES ?? 0,
      ttlMs: config.MODERATION_AUTHOR_CACHE_TTL_MS ?? 60_000,
    });
  }

  /**
   * comment.submitted / comment.edited: runs the rules on the revision and records the verdict
   * with its moderation.decided. A revision the case has already (or an older one) changes nothing.
   */
  async review(submission: CommentSubmittedPayload): Promise<void> {
    const crashOn = this.config.NODE_ENV === 'production' ? undefined : this.config.TEST_CRASH_ON_BODY;
    if (crashOn && submission.body.includes(crashOn)) {
      this.log.error({ msg: 'TEST_CRASH_ON_BODY: exiting on this comment (test-only trigger)', commentId: submission.commentId });
      process.exit(86);
    }
    // The rules' inputs are read while the case is: one round trip less per comment (a duplicate wastes them).
    const inputs = this.underReview(submission);
    inputs.catch(() => undefined);
    // SCORERS (issue 15): scored alongside the reads, bounded by their deadline; never throws.
    const scores = this.scoring.enabled ? this.scoring.score([scoringInput(submission)]) : undefined;
    await this.commit(
      submission.commentId,
      async (current) => {
        if (current && (current.revision >= submission.revision || current.status === 'deleted')) return null;
        const rules = review(await inputs, this.settings);
        const verdict = scores ? this.scoring.verdict(rules, (await scores)[0]!) : rules; // SCORERS: the one call site
        const change = reviewRevision(current, submission, verdict, new Date());
        return change && { ...change, events: [this.decidedEvent(change.state)] };
      },
      {
        // A first revision almost always opens its case: commit it without reading the journal first.
        guess: submission.revision === 1 ? null : undefined,
        // Delivered again (a crash before the send, a re-announced comment whose decision never
        // reached the comments service): the decision the case holds for this revision, again.
        send: { again: (current) => (current.revision === submission.revision && current.status !== 'deleted' ? [this.decidedEvent(current)] : []) },
      },
    );
  }

  /** comment.imported: the case is known (approved, as imported), so it can be reported and shown. */
  async recordImported(imported: CommentImportedPayload): Promise<void> {
    await this.commit(
      imported.commentId,
      async (current) => {
        const change = importComment(current, imported, new Date());
        return change && { ...change, events: [] };
      },
      { guess: null }, // an imported comment is new, unless this is a redelivery
    );
  }

  /** comment.deleted: its author deleted it; it leaves every queue. Unknown comments are ignored. */
  async recordDeleted(deleted: CommentStatusChangedPayload): Promise<void> {
    if (deleted.erased) return this.erase(deleted.commentId);
    await this.commit(deleted.commentId, async (current) => {
      const change = current && deleteComment(current, deleted, new Date());
      return change && { ...change, events: [] };
    });
  }

  /**
   * Its author was erased (user.erased, or the comment's own deletion by the erasure): the case
   * leaves every queue with a journal entry saying why, and every entry of its journal loses the
   * text, the author's name and evidence quoting the text; the decisions stay. Idempotent: an
   * erased case commits nothing, and redacting again changes nothing.
   */
  async erase(commentId: string): Promise<void> {
    await this.commit(commentId, async (current) => {
      const change = current && eraseCase(current, new Date());
      return change && { ...change, events: [] };
    });
    await this.repository.redactJournal(commentId, (entry) => ({ state: redactState(entry.state), history: redactHistory(entry.history) }));
  }

  /** Every case of an erased author (see erase). */
  async eraseAuthor(authorId: string): Promise<number> {
    const ids = await this.repository.caseIdsOf(authorId);
    for (const id of ids) await this.erase(id);
    this.authors.forget(authorId);
    return ids.length;
  }

  /**
   * A moderator approves or rejects. Compare-and-set on the journal: of two moderators deciding
   * at once, one commits and the other, re-reading, finds the case decided (409 already_decided);
   * if the author's edit landed in between, 409 revision_changed.
   */
  async decide(commentId: string, input: DecisionInput, moderator: Actor): Promise<CaseView> {
    let seen: { revision: number; decisionSeq: number } | undefined;
    const state = await this.commit(commentId, async (current) => {
      if (!current) throw commentNotFound(commentId);
      if (seen && seen.revision !== current.revision) throw revisionChanged(commentId, seen.revision, current.revision);
      if (seen && seen.decisionSeq !== current.decisionSeq) throw alreadyDecided(current);
      seen = { revision: current.revision, decisionSeq: current.decisionSeq };
      const change = decideByModerator(current, input, moderator, new Date());
      return { ...change, events: [this.decidedEvent(change.state)] };
    });
    return toCaseView(state!);
  }

  /**
   * A moderator reverses the latest decision (OverrideInput): the comment's status and count
   * follow through moderation.decided (comments applies decisions by decisionSeq). Two racing
   * overrides that saw the same decision try the same journal seq: one insert wins, the other
   * re-plans against it and gets 409 decision_changed.
   */
  async override(commentId: string, input: OverrideInput, moderator: Actor): Promise<CaseView> {
    const state = await this.commit(commentId, async (current) => {
      if (!current) throw commentNotFound(commentId);
      const change = overrideDecision(current, input, moderator, new Date());
      return { ...change, events: [this.decidedEvent(change.state)] };
    });
    return toCaseView(state!);
  }

  /** Several decisions, one by one; each is reported ok or failed with the code a single one would get. */
  async decideMany(input: BulkDecisionInput, moderator: Actor): Promise<{ results: BulkResult[]; succeeded: number; failed: number }> {
    // Up to BULK_CONCURRENCY comments at once (one by one, 200 items outlast the gateway's upstream
    // timeout); the items of one comment stay in input order, one after the other, so each item's
    // outcome is what it was when the whole list ran in sequence. Results in input order.
    const results: BulkResult[] = new Array(input.decisions.length);
    const byComment = new Map<string, number[]>();
    input.decisions.forEach((item, index) => byComment.set(item.commentId, [...(byComment.get(item.commentId) ?? []), index]));
    const groups = [...byComment.values()];
    let next = 0;
    const worker = async () => {
      while (next < groups.length) {
        for (const index of groups[next++]!) results[index] = await this.decideOne(input.decisions[index]!, moderator);
      }
    };
    await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, groups.length) }, worker));
    const succeeded = results.filter((r) => r.ok).length;
    return { results, succeeded, failed: results.length - succeeded };
  }

  private async decideOne(item: BulkDecisionInput['decisions'][number], moderator: Actor): Promise<BulkResult> {
    try {
      const view = await this.decide(item.commentId, item, moderator);
      return { commentId: item.commentId, ok: true, status: view.comment.status };
    } catch (error) {
      if (error instanceof DomainError) return { commentId: item.commentId, ok: false, code: error.code, message: error.message };
      this.log.error({ msg: 'bulk decision failed', commentId: item.commentId, error: (error as Error).stack ?? String(error) });
      return { commentId: item.commentId, ok: false, code: 'internal_error', message: 'something went wrong on our side; try this one again' };
    }
  }

  /**
   * A reader reports a comment: once per reader per comment (409 already_reported, also for two
   * reports at the same moment: the journal's unique `uniq` refuses the second).
   */
  async report(commentId: string, input: ReportInput, reporter: Actor): Promise<{ commentId: string; reports: number }> {
    const state = await this.commit(commentId, async (current) => {
      if (!current) throw commentNotFound(commentId);
      const change = report(current, reporter, input.reason, this.config.MODERATION_REPORT_THRESHOLD, new Date());
      const latest = change.state.reports[change.state.reports.length - 1]!;
      const event = createEvent(
        'comment.reported',
        current.articleId,
        { commentId, articleId: current.articleId, reporterId: reporter.id, reason: input.reason, reports: change.state.reports.length, at: latest.at },
        eventMeta('moderation'),
      );
      return { ...change, events: [event], uniq: `report:${commentId}:${reporter.id}` };
    });
    return { commentId, reports: state!.reports.length };
  }

  /** The full audit trail of a comment, oldest first. */
  async history(commentId: string) {
    const entries = await this.repository.history(commentId);
    const last = entries[entries.length - 1];
    if (!last) throw commentNotFound(commentId);
    return { ...toCaseView(last.state), history: entries.flatMap((entry) => entry.history) };
  }

  /** The moderators' queue: one status, oldest first (first come, first served), cursor-paged. */
  async queue(query: QueueQuery): Promise<QueuePage> {
    // A filter, not a command: an empty or inverted range [from, to) simply selects nothing.
    if (query.from && query.to && query.from.getTime() >= query.to.getTime()) return { status: query.status, items: [], nextCursor: null };
    const section = await this.sectionStories(query);
    if (section && !section.length) return { status: query.status, items: [], nextCursor: null };
    const docs = await this.repository.findQueue({
      status: query.status,
      articleId: query.articleId,
      ...(section ? { articleIds: section } : {}),
      authorId: query.authorId,
      text: query.q,
      from: query.from,
      to: query.to,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: query.limit + 1,
    });
    const page = docs.slice(0, query.limit);
    const authorIds = [...new Set(page.flatMap((doc) => (doc.authorId ? [doc.authorId] : [])))];
    const [stories, counts, sanctions, notes] = await Promise.all([
      this.stories.findMany(page.map((doc) => doc.articleId)),
      this.repository.countsByAuthor(authorIds),
      this.sanctions.activeFor(authorIds),
      this.notes.summaries(authorIds),
    ]);
    const last = page[page.length - 1];
    return {
      status: query.status,
      items: page.map((doc) =>
        toQueueItem(doc, stories.get(doc.articleId), doc.authorId ? counts.get(doc.authorId) ?? emptyCounts() : undefined, doc.authorId ? sanctions.get(doc.authorId) : undefined, doc.authorId ? notes.get(doc.authorId) : undefined),
      ),
      nextCursor: docs.length > query.limit && last ? encodeCursor(last) : null,
    };
  }

  /** How many comments each queue holds now, in a section or in all: the console's counts beside the queue tabs. */
  async queueCounts(section: QueueSection = {}): Promise<Record<(typeof QUEUE_STATUSES)[number], number>> {
    const stories = await this.sectionStories(section);
    if (stories && !stories.length) return { held: 0, reported: 0, approved: 0, rejected: 0 };
    return this.repository.countByStatus(QUEUE_STATUSES, stories);
  }

  /**
   * The open queues (held, reported) per section: for each category a story of an open case is
   * posted to, how many wait; stories without a category count under `uncategorised`.
   */
  async sections(): Promise<{ sections: { category: string; held: number; reported: number }[]; uncategorised: { held: number; reported: number } }> {
    const open = await this.repository.storiesOfStatus(['held', 'reported']);
    const stories = await this.stories.findMany(open.map((c) => c.articleId));
    const tally = new Map<string, { held: number; reported: number }>();
    const uncategorised = { held: 0, reported: 0 };
    for (const { articleId, status } of open) {
      const categories = stories.get(articleId)?.categories ?? [];
      const key = status === 'held' ? 'held' : 'reported';
      if (!categories.length) uncategorised[key]++;
      for (const category of new Set(categories)) {
        const counts = tally.get(category) ?? { held: 0, reported: 0 };
        counts[key]++;
        tally.set(category, counts);
      }
    }
    const sections = [...tally].map(([category, counts]) => ({ category, ...counts })).sort((a, b) => b.held + b.reported - (a.held + a.reported) || a.category.localeCompare(b.category));
    return { sections, uncategorised };
  }

  /**
   * A section's stories: those in the category, narrowed to the given set (or the set alone).
   * Undefined when no section was asked for; empty when it has no stories (so nothing matches).
   */
  private async sectionStories(section: QueueSection): Promise<string[] | undefined> {
    if (!section.category) return section.articleIds ? [...new Set(section.articleIds)] : undefined;
    const inCategory = await this.stories.idsInCategory(section.category);
    if (!section.articleIds) return inCategory;
    const wanted = new Set(section.articleIds);
    return inCategory.filter((id) => wanted.has(id));
  }

  /** A reader's record with moderation: counts per status and the latest comments. */
  async authorRecord(userId: string): Promise<{ name: string | null; counts: StatusCounts; recent: CaseView[] }> {
    const [counts, recent] = await Promise.all([this.repository.countsByAuthor([userId]), this.repository.recentOf(userId, 20)]);
    return {
      name: recent[0]?.authorName ?? null,
      counts: counts.get(userId) ?? emptyCounts(),
      recent: recent.map((doc) => toCaseView(stateOf(doc))),
    };
  }

  /**
   * The one way a case changes: read the latest journal entry, plan the change, insert it as the
   * next seq with its events. An insert refused as a duplicate means someone else changed the
   * case first: read again and re-plan (the plan may now refuse, e.g. already decided). Then the
   * projection is brought up to date and the events are handed to the relay.
   *
   * `guess`, when given, stands in for the first read (null: "the case does not exist yet"). Only
   * a successful insert confirms it: a refused insert, or a plan that changes nothing, goes on
   * with the journal's real latest entry, so a redelivery still changes nothing and still repairs
   * the projection. A guess must be a state the plan does not throw on.
   */
  private async commit(
    caseId: string,
    plan: (current: CaseState | null) => Promise<PlannedChange | null>,
    { guess, send }: CommitOptions = {},
  ): Promise<CaseState | null> {
    // Attempt 0 is the guessed one: a wrong guess does not use up the attempts of real contention.
    for (let attempt = guess === undefined ? 1 : 0; attempt <= COMMIT_ATTEMPTS; attempt++) {
      const guessed = attempt === 0;
      const latest = guessed ? (guess ?? null) : await this.repository.latest(caseId);
      const planned = await this.planOrRepair(caseId, latest, guessed, plan);
      if (!planned) {
        if (guessed) continue;
        // Nothing to change; make sure a crash between commit and projection left nothing behind.
        if (latest) await this.project(caseId, latest);
        if (latest && send) await this.publisher.publishTogether(send.again(latest.state));
        return latest?.state ?? null;
      }
      const seq = (latest?.seq ?? 0) + 1;
      const id = `${caseId}:${seq}`;
      const entry: CaseEntryDocument = {
        _id: id,
        caseId,
        seq,
        uniq: planned.uniq ?? id,
        at: new Date(),
        history: planned.history,
        state: planned.state,
        eventIds: planned.events.map((event) => event.id),
        outbox: planned.events,
      };
      if (await this.repository.insert(entry, { outbox: !send })) {
        this.authors.record(entry.state);
        if (send) {
          await this.project(caseId, entry);
          await this.publisher.publishTogether(entry.outbox);
          return entry.state;
        }
        try {
          await this.project(caseId, entry);
        } finally {
          this.outbox.publishSoon({ id, events: entry.outbox });
        }
        return entry.state;
      }
    }
    throw busy(caseId);
  }

  /**
   * Runs the plan; when it refuses (409 already_decided and the like) against the journal's real
   * latest entry, the projection may be the one behind (a crash between insert and projection):
   * repair it before the refusal goes out, or the queue shows the case undecided forever.
   */
  private async planOrRepair(
    caseId: string,
    latest: LatestEntry | null,
    guessed: boolean,
    plan: (current: CaseState | null) => Promise<PlannedChange | null>,
  ): Promise<PlannedChange | null> {
    try {
      return await plan(latest?.state ?? null);
    } catch (error) {
      if (!guessed && latest && (await this.repository.projectedSeq(caseId)) < latest.seq) await this.project(caseId, latest);
      throw error;
    }
  }

  /** Projects the entry, then checks the projection caught up with the journal (see CasesRepository.project). */
  private async project(caseId: string, entry: Pick<CaseEntryDocument, 'seq' | 'state'>): Promise<void> {
    let current = entry;
    for (let round = 0; round < 3; round++) {
      // The first entry's projection created by an insert cannot have been overwritten by an older one.
      if ((await this.repository.project(current.seq, current.state)) === 'created' && current.seq === 1) return;
      const [projected, latest] = await Promise.all([this.repository.projectedSeq(caseId), this.repository.latest(caseId)]);
      if (!latest || projected >= latest.seq) return;
      current = latest;
    }
  }

  /** What the rules need, from moderation's own data only. */
  private async underReview(submission: CommentSubmittedPayload): Promise<CommentUnderReview> {
    const authorId = submission.author.id;
    const [story, history, sanctions] = await Promise.all([
      this.storyOf(submission.articleId),
      authorId ? this.authorHistory(authorId, submission) : Promise.resolve({ approvedCount: 0, recentBodies: [] }),
      authorId ? this.sanctions.activeFor([authorId]) : Promise.resolve(new Map()),
    ]);
    const active = authorId ? sanctions.get(authorId)?.filter(premoderates) : undefined;
    return {
      body: submission.body,
      story: story ? { preModeration: Boolean(story.preModeration) } : null,
      author: {
        ...history,
        premoderated: Boolean(active?.length),
        ...(active?.length ? { premoderatedBecause: `the reader is under ${describeSanction(active[0]!)}` } : {}),
      },
    };
  }

  /**
   * The author's approved count and recent bodies, for the rules that are on. When both are, the
   * author's latest cases answer both (from memory when this instance saw the author lately, see
   * AuthorHistoryCache), unless the count needs more than they hold.
   */
  private async authorHistory(authorId: string, submission: CommentSubmittedPayload): Promise<{ approvedCount: number; recentBodies: string[] }> {
    const threshold = this.settings.newCommenterThreshold;
    const since = new Date(submission.at.getTime() - this.config.MODERATION_REPEAT_WINDOW_SECONDS * 1000);
    const counts = threshold > 0;
    const repeats = this.config.MODERATION_REPEAT_WINDOW_SECONDS > 0;
    if (!counts && !repeats) return { approvedCount: 0, recentBodies: [] };
    const { cases: latest, whole } = await this.authors.latest(authorId, submission.commentId, (limit) => this.repository.latestCasesOf(authorId, limit));
    const history = readAuthorHistory(latest, { limit: whole ? Infinity : latest.length, since, threshold });
    return {
      recentBodies: repeats ? history.recentBodies : [],
      approvedCount: !counts ? 0 : history.approvedCount ?? (await this.repository.countApproved(authorId, submission.commentId)),
    };
  }

  /** The story, waiting a moment for its event if moderation has not heard of it yet. */
  private async storyOf(articleId: string) {
    for (let waited = 0; ; waited += 250) {
      const story = await this.stories.find(articleId);
      if (story || waited >= this.storyWaitMs) return story;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  private decidedEvent(state: CaseState) {
    const { verdict } = state;
    return createEvent(
      'moderation.decided',
      state.articleId,
      {
        commentId: state.commentId,
        articleId: state.articleId,
        revision: verdict.revision,
        decision: verdict.decision,
        rule: verdict.rule,
        reason: verdict.reason,
        ...(verdict.by ? { moderator: verdict.by } : {}),
        ...(verdict.overrides ? { overrides: verdict.overrides } : {}),
        decidedAt: verdict.at,
        decisionSeq: state.decisionSeq,
      },
      // One id per decision: the re-send on a redelivery (commit's `again`) is the same event,
      // not a second decision (the three-broker suite saw two ids after a producer timeout).
      { ...eventMeta('moderation'), id: derivedId('moderation.decided', state.commentId, String(state.decisionSeq)) },
    );
  }
}

const stateOf = (doc: CaseDocument): CaseState => ({
  commentId: doc._id,
  articleId: doc.articleId,
  ...(doc.parentId ? { parentId: doc.parentId } : {}),
  author: doc.authorId ? { id: doc.authorId, name: doc.authorName } : { name: doc.authorName },
  source: doc.source,
  body: doc.body,
  revision: doc.revision,
  status: doc.status,
  firstPostedAt: doc.firstPostedAt,
  postedAt: doc.postedAt,
  verdict: doc.verdict,
  decisionSeq: doc.decisionSeq,
  reports: doc.reports ?? [],
  reviewedReports: doc.reviewedReports ?? 0,
});

const encodeCursor = (doc: CaseDocument) => Buffer.from(JSON.stringify([doc.postedAt.toISOString(), doc._id])).toString('base64url');

function decodeCursor(cursor: string): { postedAt: Date; id: string } {
  try {
    const [postedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    const date = new Date(postedAt);
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) throw new Error('bad cursor');
    return { postedAt: date, id };
  } catch {
    throw invalidCursor();
  }
}
