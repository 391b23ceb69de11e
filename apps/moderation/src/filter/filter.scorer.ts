import { Score, Scorer, ScoringInput } from '../scoring/scorer';
import { FilterModel, probabilityOfReject } from './filter.classifier';

/** Our filter as a scorer: the probability that moderators would reject the comment, by a trained model version. */
export class FilterScorer implements Scorer {
  readonly name = 'filter';
  readonly measures = 'moderator rejection';

  constructor(private readonly model: () => FilterModel | null) {}

  async score(input: ScoringInput): Promise<Score> {
    const model = this.model();
    if (!model) throw new Error('no trained filter model yet');
    const p = probabilityOfReject(model, input.body);
    return { score: p, evidence: `model v${model.version} trained on ${model.examples.reject + model.examples.approve} examples` };
  }
}
