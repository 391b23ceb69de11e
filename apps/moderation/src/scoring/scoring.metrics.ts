import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '@app/observability';

/** Every scorer call by its outcome: scored, timeout, error, rate_limited, breaker_open. */
export const scorerCalls = new Counter({
  name: 'moderation_scorer_calls_total',
  help: 'Scorer calls (Perspective, Akismet, filter) by scorer and outcome',
  labelNames: ['scorer', 'outcome'] as const,
  registers: [metricsRegistry],
});

/** Every comment a scorer gave no score for, by what was done instead (MODERATION_SCORER_FALLBACK). */
export const scorerFallbacks = new Counter({
  name: 'moderation_scorer_fallbacks_total',
  help: 'Comments a scorer gave no score for, by scorer and fallback (hold, skip)',
  labelNames: ['scorer', 'fallback'] as const,
  registers: [metricsRegistry],
});

export const scorerSeconds = new Histogram({
  name: 'moderation_scorer_duration_seconds',
  help: 'Scorer calls that answered, by scorer',
  labelNames: ['scorer'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1],
  registers: [metricsRegistry],
});
