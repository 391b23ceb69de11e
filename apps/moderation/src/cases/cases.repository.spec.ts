import { MongoBulkWriteError } from 'mongodb';
import { ModerationConfig } from '../moderation.config';
import { CaseEntryDocument, CaseState } from './case.schema';
import { CasesRepository } from './cases.repository';

/** A collection's unordered insertMany with unique keys, answering as the driver does. */
class FakeCollection {
  readonly docs = new Map<string, Record<string, unknown>>();
  readonly insertManyCalls: string[][] = [];
  readonly updateOneCalls: unknown[] = [];

  constructor(private readonly uniqueKeys: string[] = ['_id']) {}

  readonly collection = {
    insertMany: async (docs: Record<string, unknown>[]) => {
      this.insertManyCalls.push(docs.map((doc) => String(doc._id)));
      await new Promise((resolve) => setImmediate(resolve));
      const writeErrors: { index: number; code: number; errmsg: string }[] = [];
      docs.forEach((doc, index) => {
        const taken = [...this.docs.values()].some((other) => this.uniqueKeys.some((key) => other[key] === doc[key]));
        if (taken) writeErrors.push({ index, code: 11000, errmsg: 'E11000 duplicate key error' });
        else this.docs.set(String(doc._id), { ...doc });
      });
      if (!writeErrors.length) return;
      const result = { insertedCount: docs.length - writeErrors.length, getWriteConcernError: () => undefined };
      throw new MongoBulkWriteError({ message: writeErrors[0]!.errmsg, code: 11000, writeErrors } as never, result as never);
    },
  };

  /** cases.updateOne({ _id, seq: { $lt: seq } }, { $set }) */
  updateOne = async (filter: { _id: string; seq: { $lt: number } }, update: { $set: Record<string, unknown> }) => {
    this.updateOneCalls.push(filter);
    const doc = this.docs.get(filter._id);
    if (!doc || (doc.seq as number) >= filter.seq.$lt) return { matchedCount: 0 };
    Object.assign(doc, update.$set);
    return { matchedCount: 1 };
  };
}

const config = Object.assign(new ModerationConfig(), { MODERATION_BATCH_LINGER_MS: 2, MODERATION_BATCH_MAX: 100 });

function setup() {
  const entries = new FakeCollection(['_id', 'uniq']);
  const cases = new FakeCollection();
  const repository = new CasesRepository(entries as never, cases as never, config);
  return { entries, cases, repository };
}

const state = (commentId: string, revision = 1): CaseState => ({
  commentId,
  articleId: 'story-1',
  author: { id: 'reader-1', name: 'Ann Reader' },
  source: 'reader',
  body: 'Fine words',
  revision,
  status: 'approved',
  firstPostedAt: new Date(0),
  postedAt: new Date(0),
  verdict: { revision, decision: 'approve', rule: 'clean', reason: 'no rule objected', at: new Date(0) },
  decisionSeq: revision,
  reports: [],
  reviewedReports: 0,
});

const entry = (caseId: string, seq: number, uniq = `${caseId}:${seq}`): CaseEntryDocument => ({
  _id: `${caseId}:${seq}`,
  caseId,
  seq,
  uniq,
  at: new Date(),
  history: [],
  state: state(caseId, seq),
  eventIds: ['e'],
  outbox: [{ id: 'e' } as never],
});

describe('CasesRepository', () => {
  it('commits journal entries of the same moment in one insert, each with its own answer, the outbox pending', async () => {
    const { repository, entries } = setup();
    const committed = await Promise.all([
      repository.insert(entry('a', 1)),
      repository.insert(entry('b', 1)),
      repository.insert(entry('a', 1)), // someone else's change of case a, same seq: refused
      repository.insert(entry('c', 1, 'a:1')), // a taken uniq (a second report by one reader): refused
      repository.insert(entry('d', 1)),
    ]);
    expect(committed).toEqual([true, true, false, false, true]);
    expect(entries.insertManyCalls).toEqual([['a:1', 'b:1', 'a:1', 'c:1', 'd:1']]);
    expect(entries.docs.get('b:1')).toMatchObject({ outboxPending: true, outboxAt: expect.any(Date) });
  });

  it('creates new cases\' projections in one insert, and projects one created already by the update path', async () => {
    const { repository, cases } = setup();
    await repository.project(1, state('a'));
    cases.updateOneCalls.length = 0;
    cases.insertManyCalls.length = 0;
    const outcomes = await Promise.all([repository.project(1, state('b')), repository.project(1, state('a')), repository.project(1, state('c'))]);
    expect(outcomes).toEqual(['created', 'unchanged', 'created']);
    expect(cases.insertManyCalls).toEqual([['b', 'a', 'c'], ['a']]);
    expect(cases.updateOneCalls).toEqual([{ _id: 'a', seq: { $lt: 1 } }]);
    expect(cases.docs.get('b')).toMatchObject({ seq: 1, status: 'approved', authorId: 'reader-1', authorName: 'Ann Reader' });
  });
});
