import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import CircuitBreaker from 'opossum';
import { judgeScores, ScoringPolicy, withScores } from './scoring.rules';
import { scorerCalls, scorerFallbacks, scorerSeconds } from './scoring.metrics';
import { RateLimited, Score, ScoreOutcome, Scorer, ScorerFailure, ScoringInput } from './scorer';
import { RuleVerdict } from '../rules/moderation.rules';

export const SCORERS = Symbol('SCORERS');
export const SCORING_SETTINGS = Symbol('SCORING_SETTINGS');

export interface ScoringSettings extends ScoringPolicy {
  /** Each call's deadline (ms): a scorer that has not answered by then gave no score. */
  deadlineMs: number;
  /** Share of failed calls (%) in the breaker's window that opens it: calls fail at once until resetMs. */
  breakerErrorPercent: number;
  breakerResetMs: number;
  /** Calls in the window before the breaker may open. */
  breakerVolume: number;
}

/**
 * Runs the configured scorers on comments, side by side, each call bounded by a deadline and
 * each scorer behind a circuit breaker (opossum): a slow or failing scorer costs at most the
 * deadline, never an exception; its missing score is an outcome the policy decides on.
 */
@Injectable()
export class ScoringService implements OnModuleDestroy {
  private readonly log = new Logger(ScoringService.name);
  private readonly breakers: { scorer: Scorer; breaker: CircuitBreaker<[ScoringInput, AbortSignal], Score> }[];

  constructor(
    @Inject(SCORERS) scorers: Scorer[],
    @Inject(SCORING_SETTINGS) private readonly settings: ScoringSettings,
  ) {
    this.breakers = scorers.map((scorer) => ({
      scorer,
      breaker: new CircuitBreaker((input: ScoringInput, signal: AbortSignal) => scorer.score(input, signal), {
        timeout: settings.deadlineMs,
        errorThresholdPercentage: settings.breakerErrorPercent,
        resetTimeout: settings.breakerResetMs,
        volumeThreshold: settings.breakerVolume,
        name: scorer.name,
      }),
    }));
    for (const { breaker } of this.breakers) {
      breaker.on('open', () => this.log.warn(`scorer ${breaker.name}: circuit open for ${settings.breakerResetMs} ms`));
      breaker.on('close', () => this.log.log(`scorer ${breaker.name}: circuit closed`));
    }
  }

  get enabled(): boolean {
    return this.breakers.length > 0;
  }

  /** Every scorer's outcome for each comment, in the order given; never throws. */
  async score(inputs: ScoringInput[]): Promise<ScoreOutcome[][]> {
    return Promise.all(inputs.map((input) => Promise.all(this.breakers.map(({ scorer, breaker }) => this.scoreOne(scorer, breaker, input)))));
  }

  /** The scores' verdict for one comment, combined with the rules' (see withScores). */
  verdict(rules: RuleVerdict, outcomes: ScoreOutcome[]): RuleVerdict {
    const failed = outcomes.filter((o) => 'failed' in o);
    for (const o of failed) scorerFallbacks.inc({ scorer: o.scorer, fallback: this.settings.fallback });
    return withScores(rules, judgeScores(outcomes, this.settings), outcomes);
  }

  private async scoreOne(scorer: Scorer, breaker: CircuitBreaker<[ScoringInput, AbortSignal], Score>, input: ScoringInput): Promise<ScoreOutcome> {
    const controller = new AbortController();
    const started = process.hrtime.bigint();
    try {
      const { score, evidence } = await breaker.fire(input, controller.signal);
      scorerCalls.inc({ scorer: scorer.name, outcome: 'scored' });
      scorerSeconds.observe({ scorer: scorer.name }, Number(process.hrtime.bigint() - started) / 1e9);
      return { scorer: scorer.name, measures: scorer.measures, score: Math.min(1, Math.max(0, score)), evidence };
    } catch (error) {
      const failed = failureOf(error);
      scorerCalls.inc({ scorer: scorer.name, outcome: failed });
      return { scorer: scorer.name, measures: scorer.measures, failed, detail: detailOf(failed, error, this.settings.deadlineMs) };
    } finally {
      controller.abort(); // a call past its deadline stops using a socket
    }
  }

  onModuleDestroy(): void {
    for (const { breaker } of this.breakers) breaker.shutdown();
  }
}

function failureOf(error: unknown): ScorerFailure {
  const code = (error as { code?: string }).code;
  if (code === 'EOPENBREAKER') return 'breaker_open';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (error instanceof RateLimited) return 'rate_limited';
  return 'error';
}

function detailOf(failed: ScorerFailure, error: unknown, deadlineMs: number): string {
  if (failed === 'timeout') return `no answer within ${deadlineMs} ms`;
  if (failed === 'breaker_open') return 'circuit open after repeated failures';
  return String((error as Error).message ?? error).slice(0, 200);
}
