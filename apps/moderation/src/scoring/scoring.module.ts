import { Module } from '@nestjs/common';
import { ModerationConfig } from '../moderation.config';
import { SCORERS, SCORING_SETTINGS, ScoringService } from './scoring.service';
import { scorersFrom, scoringSettingsFrom } from './scoring.settings';

@Module({
  providers: [
    { provide: SCORERS, inject: [ModerationConfig], useFactory: scorersFrom },
    { provide: SCORING_SETTINGS, inject: [ModerationConfig], useFactory: scoringSettingsFrom },
    ScoringService,
  ],
  exports: [ScoringService],
})
export class ScoringModule {}
