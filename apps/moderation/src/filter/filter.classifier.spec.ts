import { FilterScorer } from './filter.scorer';
import { evaluate, features, probabilityOfReject, train } from './filter.classifier';
import { generatedCorpus } from './filter.corpus';

describe('the filter classifier', () => {
  it('extracts words, word pairs and character n-grams', () => {
    const f = features('Cheap PILLS');
    expect(f).toEqual(expect.arrayContaining(['w:cheap', 'w:pills', 'b:cheap pills', 'c:^ch', 'c:ills$', 'c:pills']));
  });

  it('scores an unseen text by what it resembles', () => {
    const model = train([
      { text: 'cheap pills discount offer', label: 'reject' },
      { text: 'free casino bonus click', label: 'reject' },
      { text: 'the council budget vote', label: 'approve' },
      { text: 'thanks for the report on the school', label: 'approve' },
    ]);
    expect(probabilityOfReject(model, 'cheap casino offer')).toBeGreaterThan(0.9);
    expect(probabilityOfReject(model, 'the school budget report')).toBeLessThan(0.1);
  });

  it('says 0.5 until it has seen both labels', () => {
    expect(probabilityOfReject(train([{ text: 'fine', label: 'approve' }]), 'anything')).toBe(0.5);
  });

  it('survives a JSON round trip (stored as a document)', () => {
    const model = train(generatedCorpus(200));
    const stored = JSON.parse(JSON.stringify(model));
    expect(probabilityOfReject(stored, 'cheap pills')).toBeCloseTo(probabilityOfReject(model, 'cheap pills'), 10);
  });

  it('separates a generated corpus on a held-out split: precision and recall ≥ 0.9 at 0.5', () => {
    const result = evaluate(generatedCorpus(2_000), [0.5, 0.9]);
    expect(result.test).toBe(500);
    const [atHalf, atHigh] = result.at;
    expect(atHalf!.precision).toBeGreaterThanOrEqual(0.9);
    expect(atHalf!.recall).toBeGreaterThanOrEqual(0.9);
    // A higher threshold trades recall for precision.
    expect(atHigh!.precision).toBeGreaterThanOrEqual(atHalf!.precision);
    expect(atHigh!.recall).toBeLessThanOrEqual(atHalf!.recall);
  });
});

describe('FilterScorer', () => {
  const input = (body: string) => ({ commentId: 'c1', body, author: { name: 'Ann' }, story: { id: 's1' }, at: new Date() });

  it('scores with the current model, naming its version', async () => {
    const model = train(generatedCorpus(400), 3);
    const scorer = new FilterScorer(() => model);
    const score = await scorer.score(input('cheap pills casino bonus'));
    expect(score.score).toBeGreaterThan(0.9);
    expect(score.evidence).toBe('model v3 trained on 400 examples');
  });

  it('abstains with 0 while no model is trained (a failure would hold every comment under the hold fallback)', async () => {
    await expect(new FilterScorer(() => null).score(input('hello'))).resolves.toEqual({ score: 0, evidence: 'abstained: no model trained yet' });
  });
});
