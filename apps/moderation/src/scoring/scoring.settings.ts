import { ModerationConfig } from '../moderation.config';
import { AkismetScorer } from './akismet.scorer';
import { PerspectiveScorer } from './perspective.scorer';
import { Scorer } from './scorer';
import { ScoringSettings } from './scoring.service';

/** The scorers that are configured (endpoint and key both set); none by default. */
export function scorersFrom(config: ModerationConfig): Scorer[] {
  const scorers: Scorer[] = [];
  if (config.MODERATION_PERSPECTIVE_URL && config.MODERATION_PERSPECTIVE_KEY) {
    scorers.push(new PerspectiveScorer(config.MODERATION_PERSPECTIVE_URL, config.MODERATION_PERSPECTIVE_KEY));
  }
  if (config.MODERATION_AKISMET_URL && config.MODERATION_AKISMET_KEY) {
    scorers.push(new AkismetScorer(config.MODERATION_AKISMET_URL, config.MODERATION_AKISMET_KEY, config.MODERATION_AKISMET_BLOG, config.MODERATION_AKISMET_TEST));
  }
  return scorers;
}

export const scoringSettingsFrom = (config: ModerationConfig): ScoringSettings => ({
  thresholds: {
    perspective: { hold: config.MODERATION_PERSPECTIVE_HOLD, reject: config.MODERATION_PERSPECTIVE_REJECT },
    akismet: { hold: config.MODERATION_AKISMET_HOLD, reject: config.MODERATION_AKISMET_REJECT },
    filter: { hold: config.MODERATION_FILTER_HOLD, reject: config.MODERATION_FILTER_REJECT },
  },
  fallback: config.MODERATION_SCORER_FALLBACK,
  deadlineMs: config.MODERATION_SCORER_DEADLINE_MS,
  breakerErrorPercent: config.MODERATION_SCORER_BREAKER_ERROR_PERCENT,
  breakerResetMs: config.MODERATION_SCORER_BREAKER_RESET_MS,
  breakerVolume: config.MODERATION_SCORER_BREAKER_VOLUME,
});
