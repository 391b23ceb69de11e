import { Module } from '@nestjs/common';
import { FilterModels } from '../filter/filter-models.service';
import { FilterModule } from '../filter/filter.module';
import { FilterScorer } from '../filter/filter.scorer';
import { ModerationConfig } from '../moderation.config';
import { SCORERS, SCORING_SETTINGS, ScoringService } from './scoring.service';
import { scorersFrom, scoringSettingsFrom } from './scoring.settings';

@Module({
  imports: [FilterModule],
  providers: [
    {
      provide: SCORERS,
      inject: [ModerationConfig, FilterModels],
      // Our filter scores only when it is on (MODERATION_FILTER_ENABLED), with the newest trained model.
      useFactory: (config: ModerationConfig, models: FilterModels) => [
        ...scorersFrom(config),
        ...(config.MODERATION_FILTER_ENABLED ? [new FilterScorer(() => models.current())] : []),
      ],
    },
    { provide: SCORING_SETTINGS, inject: [ModerationConfig], useFactory: scoringSettingsFrom },
    ScoringService,
  ],
  exports: [ScoringService],
})
export class ScoringModule {}
