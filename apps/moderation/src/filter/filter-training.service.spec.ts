import { CasesRepository } from '../cases/cases.repository';
import { CaseVerdict } from '../cases/case.schema';
import { ModerationConfig } from '../moderation.config';
import { FilterModel, probabilityOfReject, train } from './filter.classifier';
import { generatedCorpus } from './filter.corpus';
import { FilterModelDocument } from './filter-model.schema';
import { FilterModels } from './filter-models.service';
import { FilterTraining, pruned } from './filter-training.service';

const moderator = { id: 'mod-1', name: 'Mona', roles: ['moderator' as const] };
const verdict = (decision: 'approve' | 'reject' | 'hold', rule: string): CaseVerdict => ({
  revision: 1,
  decision,
  rule,
  reason: 'r',
  ...(rule === 'moderator' ? { by: moderator } : {}),
  at: new Date(),
});

/** The versions in memory, as the unique _id keeps them in the database. */
class MemoryModels {
  readonly docs: FilterModelDocument[] = [];
  async nextVersion() {
    return this.docs.length + 1;
  }
  async publish(doc: FilterModelDocument) {
    if (this.docs.some((d) => d._id === doc._id)) return false;
    this.docs.push(doc);
    return true;
  }
}

function setup(cases: { body: string; verdict: CaseVerdict }[], min = 50) {
  const models = new MemoryModels();
  const reads: string[][] = [];
  const repository = { verdictsOf: async (statuses: string[]) => (reads.push([...statuses]), cases) };
  const config = Object.assign(new ModerationConfig(), { MODERATION_FILTER_MIN_EXAMPLES: min, MODERATION_FILTER_HOLD: 0.9, MODERATION_FILTER_REJECT: 1.01 });
  const training = new FilterTraining(repository as unknown as CasesRepository, models as unknown as FilterModels, config);
  return { training, models, reads };
}

// The generated corpus as a journal would hold it: moderators' decisions, plus what gives no label.
const journal = () => [
  ...generatedCorpus(600).map((e, i) => ({ body: e.text, verdict: verdict(e.label, i % 3 === 0 && e.label === 'reject' ? 'banned_words' : 'moderator') })),
  { body: 'approved by the rules alone: no human confirmed it', verdict: verdict('approve', 'clean') },
  { body: 'held: nobody has decided yet', verdict: verdict('hold', 'links') },
  { body: 'rejected by a scorer: the filter must not learn from scores', verdict: verdict('reject', 'scores') },
];

describe('FilterTraining', () => {
  it('trains nothing until the journal holds enough examples of each label, and says why', async () => {
    const { training, models } = setup(journal().slice(0, 40), 50);
    const result = await training.retrain();
    expect(result).toMatchObject({ trained: false, needed: 50 });
    expect(result.trained === false && result.reason).toMatch(/the journal holds \d+ rejects and \d+ approvals; 50 of each are needed/);
    expect(models.docs).toEqual([]);
  });

  it('trains versions from the labelled cases, measured on a held-out quarter first; a scorer uses the stored model', async () => {
    const { training, models, reads } = setup(journal());
    const first = await training.retrain();
    expect(reads[0]).toEqual(['approved', 'rejected', 'reported', 'deleted']);
    if (!first.trained) throw new Error(first.reason);
    expect(first.version).toBe(1);
    // 600 corpus comments label; the rules' approval, the hold and the scorer's reject do not.
    expect(first.examples.reject + first.examples.approve).toBe(600);
    expect(first.heldOut.test).toBe(150);
    expect(first.heldOut.at[0]).toMatchObject({ threshold: 0.9 });
    expect(first.heldOut.at[0]!.precision).toBeGreaterThan(0.9);
    expect(first.heldOut.at[0]!.recall).toBeGreaterThan(0.8);

    const stored = JSON.parse(models.docs[0]!.model) as FilterModel;
    expect(stored.version).toBe(1);
    expect(probabilityOfReject(stored, 'cheap pills casino bonus offer')).toBeGreaterThan(0.9);
    expect(probabilityOfReject(stored, 'the council should publish the budget figures')).toBeLessThan(0.1);

    const second = await training.retrain();
    expect(second).toMatchObject({ trained: true, version: 2 });
  });

  it('runs one training at a time: a call meanwhile gets the same result', async () => {
    const { training, models } = setup(journal());
    const [a, b] = await Promise.all([training.retrain(), training.retrain()]);
    expect(a).toBe(b);
    expect(models.docs).toHaveLength(1);
  });

  it('stores only features seen at least twice', () => {
    const model = train([
      { text: 'cheap pills cheap', label: 'reject' },
      { text: 'council budget', label: 'approve' },
    ]);
    const kept = pruned(model);
    expect(kept.counts.reject['w:cheap']).toBe(2);
    expect(kept.counts.reject['w:pills']).toBeUndefined();
    expect(kept.vocabulary).toBeLessThan(model.vocabulary);
  });
});
