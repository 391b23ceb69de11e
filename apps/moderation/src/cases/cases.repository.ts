import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter } from 'mongoose';
import { InsertBatcher } from '@app/persistence';
import { PastCase } from './author-history.rules';
import { ModerationConfig } from '../moderation.config';
import { JournalOutboxStore, withPendingOutbox } from '../outbox/journal-outbox.store';
import { CASE_ENTRY_MODEL, CASE_MODEL, CaseDocument, CaseEntryDocument, CaseState, CaseStatus } from './case.schema';

export interface QueueFilter {
  status: CaseStatus;
  articleId?: string;
  /** A section's stories (resolved from a category and/or a set of ids); never empty here. */
  articleIds?: string[];
  authorId?: string;
  /** Case-insensitive substring of the body. */
  text?: string;
  from?: Date;
  to?: Date;
  /** Exclusive: the last item of the previous page. */
  after?: { postedAt: Date; id: string };
  limit: number;
}

/** A case's latest journal entry, as commit() plans against it. */
export type LatestEntry = Pick<CaseEntryDocument, '_id' | 'seq' | 'state'>;

export type StatusCounts = Record<CaseStatus, number>;

export const emptyCounts = (): StatusCounts => ({ held: 0, approved: 0, rejected: 0, reported: 0, deleted: 0 });

/** Escapes text for a literal match inside a regular expression. */
export const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** All I/O on the case journal (case_entries) and its projection (cases). */
@Injectable()
export class CasesRepository implements OnModuleInit {
  readonly outboxStore: JournalOutboxStore;
  /** Journal entries committed at the same moment share one insertMany (see InsertBatcher). */
  private readonly journal: InsertBatcher<CaseEntryDocument>;
  /** So do new cases' first projections. */
  private readonly newCases: InsertBatcher<CaseDocument>;

  constructor(
    @InjectModel(CASE_ENTRY_MODEL) private readonly entries: Model<CaseEntryDocument>,
    @InjectModel(CASE_MODEL) private readonly cases: Model<CaseDocument>,
    config: ModerationConfig,
  ) {
    this.outboxStore = new JournalOutboxStore(entries as never);
    const batching = { lingerMs: config.MODERATION_BATCH_LINGER_MS, maxBatch: config.MODERATION_BATCH_MAX };
    this.journal = new InsertBatcher((docs) => this.entries.collection.insertMany(docs as never[], { ordered: false }), batching);
    this.newCases = new InsertBatcher((docs) => this.cases.collection.insertMany(docs as never[], { ordered: false }), batching);
  }

  /** The unique indexes are the commit points: they must exist before the first write. */
  async onModuleInit(): Promise<void> {
    await Promise.all([this.entries.init(), this.cases.init()]);
  }

  /** The case's latest journal entry: the truth the projection may lag behind. */
  latest(caseId: string): Promise<LatestEntry | null> {
    return this.entries.findOne({ caseId }, { seq: 1, state: 1 }).sort({ seq: -1 }).lean<LatestEntry>();
  }

  /**
   * Commits a change: false when an entry with this seq (someone else changed the case first) or
   * this uniq (the reader reported it already) exists. Entries committed at the same moment are
   * written together; each is still refused or inserted on its own by the unique indexes.
   */
  insert(entry: CaseEntryDocument, options: { outbox: boolean } = { outbox: true }): Promise<boolean> {
    // Without the outbox flag the relay never looks at the entry: its writer sends its events itself.
    return this.journal.insert(options.outbox ? withPendingOutbox(entry) : entry);
  }

  /** A case's audit trail: its entries in order. */
  history(caseId: string): Promise<Pick<CaseEntryDocument, 'seq' | 'history' | 'state'>[]> {
    return this.entries.find({ caseId }, { seq: 1, history: 1, state: 1 }).sort({ seq: 1 }).lean<Pick<CaseEntryDocument, 'seq' | 'history' | 'state'>[]>();
  }

  /**
   * Projects a journal entry into cases, unless a newer one is projected already. Not atomic on
   * FerretDB (a slower writer may put an older state over a newer one), hence projectedSeq():
   * the service checks afterwards and projects again when the projection is behind.
   */
  async project(seq: number, state: CaseState): Promise<'created' | 'updated' | 'unchanged'> {
    const { commentId: _id, author, ...rest } = state;
    const fields = { ...rest, seq, authorName: author.name, ...(author.id ? { authorId: author.id } : {}) };
    // A new case (the common path): create its projection in one write, shared with other new
    // cases'. Refused as a duplicate: projected already, so go on as for any later entry.
    if (seq === 1 && (await this.newCases.insert({ _id, ...fields } as CaseDocument))) return 'created';
    const updated = await this.cases.updateOne({ _id, seq: { $lt: seq } }, { $set: fields });
    if (updated.matchedCount) return 'updated';
    // Refused as a duplicate: projected already, with this seq or a newer one.
    return (await this.newCases.insert({ _id, ...fields } as CaseDocument)) ? 'created' : 'unchanged';
  }

  async projectedSeq(caseId: string): Promise<number> {
    const doc = await this.cases.findById(caseId, { seq: 1 }).lean<{ seq: number }>();
    return doc?.seq ?? 0;
  }

  /** Served by { status, postedAt, _id } (or { articleId, postedAt } with a story filter). */
  findQueue(filter: QueueFilter): Promise<CaseDocument[]> {
    const and: QueryFilter<CaseDocument>[] = [{ status: filter.status }];
    if (filter.articleId) and.push({ articleId: filter.articleId });
    if (filter.articleIds) and.push({ articleId: { $in: filter.articleIds } });
    if (filter.authorId) and.push({ authorId: filter.authorId });
    if (filter.text) and.push({ body: { $regex: escapeRegex(filter.text), $options: 'i' } });
    if (filter.from) and.push({ postedAt: { $gte: filter.from } });
    if (filter.to) and.push({ postedAt: { $lt: filter.to } });
    if (filter.after) {
      and.push({ $or: [{ postedAt: { $gt: filter.after.postedAt } }, { postedAt: filter.after.postedAt, _id: { $gt: filter.after.id } }] });
    }
    return this.cases
      .find(and.length === 1 ? and[0]! : { $and: and })
      .sort({ postedAt: 1, _id: 1 })
      .limit(filter.limit)
      .lean<CaseDocument[]>();
  }

  /**
   * How many cases each queue holds (the console's counts). One equality count per status, served
   * by { status, postedAt, _id }: FerretDB pushes an equality down, a $group over every case it does not.
   */
  async countByStatus<S extends CaseStatus>(statuses: readonly S[], articleIds?: string[]): Promise<Record<S, number>> {
    const inSection = articleIds ? { articleId: { $in: articleIds } } : {};
    const counts = await Promise.all(statuses.map((status) => this.cases.countDocuments({ status, ...inSection })));
    return Object.fromEntries(statuses.map((status, i) => [status, counts[i]])) as Record<S, number>;
  }

  /**
   * Every case's body and latest verdict in these statuses (the filter's training read: one
   * equality query per status, bodies and verdicts only).
   */
  async verdictsOf(statuses: readonly CaseStatus[]): Promise<Pick<CaseDocument, 'body' | 'verdict'>[]> {
    const perStatus = await Promise.all(statuses.map((status) => this.cases.find({ status }, { body: 1, verdict: 1, _id: 0 }).lean<Pick<CaseDocument, 'body' | 'verdict'>[]>()));
    return perStatus.flat();
  }

  /** The story of every case in these statuses (the open queues: few), for the counts per section. */
  async storiesOfStatus(statuses: readonly CaseStatus[]): Promise<{ articleId: string; status: CaseStatus }[]> {
    const perStatus = await Promise.all(
      statuses.map((status) => this.cases.find({ status }, { articleId: 1, status: 1, _id: 0 }).lean<{ articleId: string; status: CaseStatus }[]>()),
    );
    return perStatus.flat();
  }

  /**
   * How many of each status these authors have (served by { authorId, postedAt }). One
   * equality-matched aggregation per author: FerretDB pushes an equality down to PostgreSQL's
   * index, an $in it does not (it would read every case).
   */
  async countsByAuthor(authorIds: string[]): Promise<Map<string, StatusCounts>> {
    const perAuthor = await Promise.all(
      [...new Set(authorIds)].map(async (authorId) => {
        const rows = await this.cases.aggregate<{ _id: CaseStatus; n: number }>([
          { $match: { authorId } },
          { $group: { _id: '$status', n: { $sum: 1 } } },
        ]);
        const counts = emptyCounts();
        for (const { _id, n } of rows) if (_id in counts) counts[_id] = n;
        return [authorId, counts] as const;
      }),
    );
    return new Map(perAuthor);
  }

  /** The author's latest cases, newest first, at most `limit`, with their ids (for AuthorHistoryCache). */
  async latestCasesOf(authorId: string, limit: number): Promise<(PastCase & { id: string })[]> {
    const docs = await this.cases
      .find({ authorId }, { _id: 1, status: 1, postedAt: 1, body: 1 })
      .sort({ postedAt: -1 })
      .limit(limit)
      .lean<(PastCase & { _id: string })[]>();
    return docs.map(({ _id, ...past }) => ({ id: _id, ...past }));
  }

  /** The author's comments approved so far (reported ones are still approved), other than this one. */
  countApproved(authorId: string, exceptId: string): Promise<number> {
    return this.cases.countDocuments({ authorId, status: { $in: ['approved', 'reported'] }, _id: { $ne: exceptId } });
  }

  /** Every case of an author, by id (their erasure; served by { authorId, postedAt }). */
  async caseIdsOf(authorId: string): Promise<string[]> {
    const docs = await this.cases.find({ authorId }, { _id: 1 }).lean<{ _id: string }[]>();
    return docs.map((doc) => doc._id);
  }

  /**
   * Rewrites a case's journal entries without what `redact` removes (an erased author's text).
   * The journal is otherwise insert-only; this is the one rewrite the law asks for. One update per
   * entry that changes (FerretDB does not batch updates; a case has a handful of entries).
   */
  async redactJournal(caseId: string, redact: (entry: Pick<CaseEntryDocument, 'state' | 'history'>) => Pick<CaseEntryDocument, 'state' | 'history'>): Promise<number> {
    const entries = await this.entries
      .find({ caseId }, { state: 1, history: 1, outbox: 1, outboxPending: 1 })
      .lean<Pick<CaseEntryDocument, '_id' | 'state' | 'history' | 'outbox' | 'outboxPending'>[]>();
    let changed = 0;
    for (const entry of entries) {
      const redacted = redact(entry);
      // Events already sent (their reasons may quote the text) go too; those still waiting are the relay's.
      const clearOutbox = !entry.outboxPending && entry.outbox?.length > 0;
      if (!clearOutbox && JSON.stringify(redacted) === JSON.stringify({ state: entry.state, history: entry.history })) continue;
      await this.entries.updateOne(
        { _id: entry._id },
        { $set: { state: redacted.state, history: redacted.history, ...(clearOutbox ? { outbox: [] } : {}) } },
      );
      changed++;
    }
    return changed;
  }

  /** The author's latest cases, newest first (GET /users/:id). */
  recentOf(authorId: string, limit: number): Promise<CaseDocument[]> {
    return this.cases.find({ authorId }).sort({ postedAt: -1 }).limit(limit).lean<CaseDocument[]>();
  }
}
