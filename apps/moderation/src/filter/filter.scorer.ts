import { Score, Scorer, ScoringInput } from '../scoring/scorer';
import { FilterModel, probabilityOfReject } from './filter.classifier';

/**
 * Our filter as a scorer: the probability that moderators would reject the comment, by the
 * current trained model. Until a model exists (the journal holds too few labelled examples) it
 * abstains with a score of 0: a filter that is not trained yet must not hold every comment
 * (which the scorers' fallback for a failed call would do).
 */
export class FilterScorer implements Scorer {
  readonly name = 'filter';
  readonly measures = 'moderator rejection';

  constructor(private readonly model: () => FilterModel | null) {}

  async score(input: ScoringInput): Promise<Score> {
    const model = this.model();
    if (!model) return { score: 0, evidence: 'abstained: no model trained yet' };
    const p = probabilityOfReject(model, input.body);
    return { score: p, evidence: `model v${model.version} trained on ${model.examples.reject + model.examples.approve} examples` };
  }
}
