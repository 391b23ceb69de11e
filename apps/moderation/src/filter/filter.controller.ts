import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { DomainError } from '@app/contracts';
import { Roles } from '@app/http';
import { ModerationConfig } from '../moderation.config';
import { FilterModels } from './filter-models.service';
import { FilterTraining } from './filter-training.service';

/** Our filter's state and training. Reached only through the gateway. */
@Roles('moderator')
@Controller('filter')
export class FilterController {
  constructor(
    private readonly models: FilterModels,
    private readonly training: FilterTraining,
    private readonly config: ModerationConfig,
  ) {}

  /** Whether it is on, its thresholds, and the newest version with its held-out figures. */
  @Get()
  async status() {
    const latest = await this.models.latest();
    return {
      enabled: this.config.MODERATION_FILTER_ENABLED,
      thresholds: { hold: this.config.MODERATION_FILTER_HOLD, reject: this.config.MODERATION_FILTER_REJECT },
      minExamples: this.config.MODERATION_FILTER_MIN_EXAMPLES,
      model: latest && { version: latest._id, trainedAt: latest.trainedAt.toISOString(), examples: latest.examples, vocabulary: latest.vocabulary, heldOut: latest.heldOut },
    };
  }

  /**
   * Trains now (also when the filter is off, to see what it would do): { trained, version, heldOut }.
   * Too few examples is a 409 that changes nothing (not a 200: nothing was done).
   */
  @Post('retrain')
  @HttpCode(200)
  async retrain() {
    const result = await this.training.retrain();
    if (!result.trained) throw new DomainError('conflict', 'not_enough_examples', result.reason, { examples: result.examples, needed: result.needed });
    return result;
  }
}
