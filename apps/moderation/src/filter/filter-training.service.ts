import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CasesRepository } from '../cases/cases.repository';
import { ModerationConfig } from '../moderation.config';
import { evaluate, FilterModel, LabelledExample, train } from './filter.classifier';
import { exampleOf } from './filter.examples';
import { FilterModelDocument } from './filter-model.schema';
import { FilterModels } from './filter-models.service';

export type TrainingResult =
  | { trained: true; version: number; examples: Record<'reject' | 'approve', number>; heldOut: FilterModelDocument['heldOut'] }
  | { trained: false; reason: string; examples: Record<'reject' | 'approve', number>; needed: number };

/** Drops features seen once (in both labels together): they barely move a score and are most of the model. */
export function pruned(model: FilterModel): FilterModel {
  const keep = (f: string) => (model.counts.reject[f] ?? 0) + (model.counts.approve[f] ?? 0) >= 2;
  const counts = { reject: {} as Record<string, number>, approve: {} as Record<string, number> };
  const vocabulary = new Set<string>();
  for (const label of ['reject', 'approve'] as const) {
    for (const [f, n] of Object.entries(model.counts[label])) {
      if (!keep(f)) continue;
      counts[label][f] = n;
      vocabulary.add(f);
    }
  }
  return { ...model, counts, vocabulary: vocabulary.size };
}

/** The labelled examples of the journal's latest states (see exampleOf). */
export function examplesFrom(states: Parameters<typeof exampleOf>[0][]): LabelledExample[] {
  return states.flatMap((state) => exampleOf(state) ?? []);
}

/**
 * Trains our filter from the moderators' work: every human approve/reject and every rules reject
 * in the cases (their latest verdicts) is a labelled example. Once the journal holds
 * MODERATION_FILTER_MIN_EXAMPLES of each label, a model is trained every
 * MODERATION_FILTER_RETRAIN_MS (and on demand), measured on a held-out quarter first, and stored
 * as the next version; every instance scores with the newest (FilterModels).
 */
@Injectable()
export class FilterTraining implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(FilterTraining.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<TrainingResult>;

  constructor(
    private readonly cases: CasesRepository,
    private readonly models: FilterModels,
    private readonly config: ModerationConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.MODERATION_FILTER_ENABLED) return;
    const tick = () => void this.retrain().catch((error: Error) => this.log.warn({ msg: 'filter training failed; the current model stays', error: error.message }));
    this.timer = setInterval(tick, this.config.MODERATION_FILTER_RETRAIN_MS);
    this.timer.unref();
    // A first model soon after start when the journal has enough, without delaying readiness.
    setTimeout(tick, 5_000).unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One training at a time per instance; a call meanwhile gets the running one's result. */
  retrain(): Promise<TrainingResult> {
    this.running ??= this.trainOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async trainOnce(): Promise<TrainingResult> {
    const examples = examplesFrom(await this.cases.verdictsOf(['approved', 'rejected', 'reported', 'deleted']));
    const counts = { reject: 0, approve: 0 };
    for (const e of examples) counts[e.label]++;
    const needed = this.config.MODERATION_FILTER_MIN_EXAMPLES;
    if (Math.min(counts.reject, counts.approve) < needed) {
      return { trained: false, reason: `the journal holds ${counts.reject} rejects and ${counts.approve} approvals; ${needed} of each are needed`, examples: counts, needed };
    }
    const thresholds = [this.config.MODERATION_FILTER_HOLD, ...(this.config.MODERATION_FILTER_REJECT <= 1 ? [this.config.MODERATION_FILTER_REJECT] : [])];
    const heldOut = evaluate(examples, thresholds);
    for (let attempt = 0; attempt < 3; attempt++) {
      const version = await this.models.nextVersion();
      const model = pruned(train(examples, version));
      const doc: FilterModelDocument = { _id: version, trainedAt: new Date(model.trainedAt), examples: counts, heldOut, vocabulary: model.vocabulary, model: JSON.stringify(model) };
      if (await this.models.publish(doc)) {
        this.log.log({ msg: 'filter trained', version, examples: counts, heldOut: heldOut.at });
        return { trained: true, version, examples: counts, heldOut };
      }
    }
    throw new Error('filter training: another instance kept storing the next version first');
  }
}
