import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Length, Matches, Max, Min, ValidateBy, ValidationArguments } from 'class-validator';
import { DatabaseServiceConfig, EnvBoolean, EnvList } from '@app/config';

/** Letters, digits, spaces, apostrophes and hyphens: what a listed word may be written with. */
const WORD = /^[\p{L}\d' -]{1,100}$/u;
const WORD_MESSAGE = (name: string) => `${name} must be a comma-separated list of words (letters, digits, spaces, ' and -; at most 100 characters each)`;

/** A reject threshold below its hold threshold would reject what it should hold. */
const NotBelow = (other: string) =>
  ValidateBy({
    name: 'notBelow',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => typeof value === 'number' && value >= Number((args?.object as Record<string, unknown>)[other]),
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must be at least ${other}`,
    },
  });
const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * The moderation service's settings. The rules (see docs/moderation.md) read their thresholds
 * and word lists from here, validated once at boot.
 */
export class ModerationConfig extends DatabaseServiceConfig {
  override PORT: number = 3003;
  override MONGO_URL = 'mongodb://127.0.0.1:27017/moderation';

  /**
   * TEST ONLY, unset by default and ignored when NODE_ENV=production: a comment whose body
   * contains this text makes the review exit the process (a crash, not a throw). The e2e suite
   * uses it to check that such a message is dead-lettered after KAFKA_CRASH_ATTEMPTS restarts.
   */
  @IsOptional()
  @Matches(/^\S{16,100}$/, { message: 'TEST_CRASH_ON_BODY must be 16-100 characters without spaces (a test-only trigger)' })
  TEST_CRASH_ON_BODY?: string;

  /** Extra words that reject a comment outright, on top of obscenity's English profanity list. */
  @EnvList()
  @Matches(WORD, { each: true, message: WORD_MESSAGE('MODERATION_BANNED_WORDS') })
  MODERATION_BANNED_WORDS: string[] = [];

  /** Whether obscenity's English profanity dataset is banned too (it is, unless turned off). */
  @EnvBoolean()
  @IsBoolean()
  MODERATION_ENGLISH_PROFANITY: boolean = true;

  /** Words that hold a comment for a human. */
  @EnvList()
  @Matches(WORD, { each: true, message: WORD_MESSAGE('MODERATION_SUSPECT_WORDS') })
  MODERATION_SUSPECT_WORDS: string[] = ['idiot', 'moron', 'stupid', 'liar'];

  /**
   * A reader with fewer approved comments than this is held (new-commenter pre-moderation).
   * 0 (the default) turns the rule off: a fresh reader's clean comment is approved at once.
   */
  @IsInt()
  @Min(0)
  @Max(1000)
  MODERATION_NEW_COMMENTER_THRESHOLD: number = 0;

  /** The same reader posting the same text again within this many seconds is rejected as a repeat. */
  @IsInt()
  @Min(0)
  @Max(30 * 86_400)
  MODERATION_REPEAT_WINDOW_SECONDS: number = 600;

  /** Distinct readers' reports that send an approved comment to the reported queue. */
  @IsInt()
  @Min(1)
  @Max(1000)
  MODERATION_REPORT_THRESHOLD: number = 3;

  /** Share of capitals among the letters (of a comment with at least 20) above which it is shouting. */
  @IsNumber()
  @Min(0.5)
  @Max(1)
  MODERATION_SHOUTING_RATIO: number = 0.7;

  /** A run of the same character at least this long is junk. */
  @IsInt()
  @Min(3)
  @Max(1000)
  MODERATION_JUNK_RUN_LENGTH: number = 10;

  /**
   * How long a review may reuse a story it read (ms; 0 = always read). This process's own writes
   * drop it at once; another instance's are seen within this time.
   */
  @IsInt()
  @Min(0)
  @Max(60_000)
  MODERATION_CACHE_TTL_MS: number = 1_000;

  /** Memory the reused stories may hold, in bytes as JSON in UTF-16 (least recently used go first); 0 = always read. */
  @IsInt()
  @Min(0)
  @Max(2 ** 31)
  MODERATION_CACHE_MAX_BYTES: number = 8 * 1024 ** 2;

  /**
   * Authors' recent histories (the repeat and new-commenter rules) kept in memory, in bytes at
   * most (0 = read the journal for every review). See AuthorHistoryCache.
   */
  @IsInt()
  @Min(0)
  @Max(4 * 1024 ** 3)
  MODERATION_AUTHOR_CACHE_MAX_BYTES: number = 32 * 1024 ** 2;

  /**
   * How long a loaded author history is trusted (ms): this instance's own decisions keep it
   * exact; another instance's reach it within this bound.
   */
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  MODERATION_AUTHOR_CACHE_TTL_MS: number = 60_000;

  /**
   * Case journal inserts, and new cases' first projections, arriving within this many
   * milliseconds of each other share one insertMany (group commit). 0: each is written at once, alone.
   */
  @IsInt()
  @Min(0)
  @Max(100)
  MODERATION_BATCH_LINGER_MS: number = 2;

  /** A batch this large is written without waiting for the linger to end. */
  @IsInt()
  @Min(1)
  @Max(1_000)
  MODERATION_BATCH_MAX: number = 200;

  /**
   * Every reader's sanctions in force are held in memory and reloaded by one query this often
   * (ms), and at once after this instance imposes or lifts one; a review or a queue page reads no
   * sanctions. A snapshot older than 5 × this (the database is away) is not used: the authors'
   * sanctions are read instead. 0 = always read them.
   */
  @IsInt()
  @Min(0)
  @Max(60_000)
  MODERATION_SANCTIONS_REFRESH_MS: number = 1_000;

  // Scorers (docs/moderation.md, "Scorers"): each is off unless its endpoint and key are set.

  /** Perspective's comments:analyze URL, e.g. https://commentanalyzer.googleapis.com/v1alpha1/comments:analyze. */
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  MODERATION_PERSPECTIVE_URL?: string;

  @IsOptional()
  @IsString()
  @Length(1, 500)
  MODERATION_PERSPECTIVE_KEY?: string;

  /** Toxicity at or above which a comment is held. */
  @IsNumber()
  @Min(0)
  @Max(1)
  MODERATION_PERSPECTIVE_HOLD: number = 0.7;

  /** Toxicity at or above which a comment is rejected (≥ the hold threshold; above 1 never rejects). */
  @IsNumber()
  @Max(1.01)
  @NotBelow('MODERATION_PERSPECTIVE_HOLD')
  MODERATION_PERSPECTIVE_REJECT: number = 0.9;

  /** Akismet's comment-check URL, e.g. https://rest.akismet.com/1.1/comment-check. */
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  MODERATION_AKISMET_URL?: string;

  @IsOptional()
  @IsString()
  @Length(1, 500)
  MODERATION_AKISMET_KEY?: string;

  /** The site's front page, sent as Akismet's "blog" (required by Akismet). */
  @IsUrl(URL_OPTIONS)
  MODERATION_AKISMET_BLOG: string = 'http://localhost:3000/';

  /** Marks calls as tests (is_test), so they do not train Akismet: for staging. */
  @EnvBoolean()
  @IsBoolean()
  MODERATION_AKISMET_TEST: boolean = false;

  /** Akismet says "true" as 0.9 and "true" with X-akismet-pro-tip: discard as 1: spam is held, blatant spam rejected. */
  @IsNumber()
  @Min(0)
  @Max(1)
  MODERATION_AKISMET_HOLD: number = 0.5;

  @IsNumber()
  @Max(1.01)
  @NotBelow('MODERATION_AKISMET_HOLD')
  MODERATION_AKISMET_REJECT: number = 0.95;

  /** Each scorer call's deadline (ms); past it the scorer gave no score. */
  @IsInt()
  @Min(10)
  @Max(10_000)
  MODERATION_SCORER_DEADLINE_MS: number = 300;

  /** What a scorer that gave no score (timeout, error, 429, open circuit) means: hold the comment for a human, or skip that scorer. */
  @IsIn(['hold', 'skip'])
  MODERATION_SCORER_FALLBACK: 'hold' | 'skip' = 'hold';

  /** Share of failed calls (%) that opens a scorer's circuit breaker (then it fails at once, without calling). */
  @IsInt()
  @Min(1)
  @Max(100)
  MODERATION_SCORER_BREAKER_ERROR_PERCENT: number = 50;

  /** How long an open breaker waits (ms) before letting one trial call through. */
  @IsInt()
  @Min(100)
  @Max(600_000)
  MODERATION_SCORER_BREAKER_RESET_MS: number = 30_000;

  /** Calls in the breaker's window before it may open. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  MODERATION_SCORER_BREAKER_VOLUME: number = 10;

  // Our own filter (docs/moderation.md, "The filter"): trained from moderators' decisions, off by default.

  /** Trains the filter from the case journal and uses it as a scorer once it has enough examples. */
  @EnvBoolean()
  @IsBoolean()
  MODERATION_FILTER_ENABLED: boolean = false;

  /** Labelled examples (of each label) the journal must hold before a model is trained and used. */
  @IsInt()
  @Min(2)
  @Max(1_000_000)
  MODERATION_FILTER_MIN_EXAMPLES: number = 200;

  /** P(moderators reject) at or above which the filter holds a comment for a human. */
  @IsNumber()
  @Min(0)
  @Max(1)
  MODERATION_FILTER_HOLD: number = 0.9;

  /** … and rejects it (≥ the hold threshold; the default, above 1, never lets the filter reject on its own). */
  @IsNumber()
  @Max(1.01)
  @NotBelow('MODERATION_FILTER_HOLD')
  MODERATION_FILTER_REJECT: number = 1.01;

  /** How often the filter is retrained from the journal (ms); also on demand (POST /filter/retrain). */
  @IsInt()
  @Min(10_000)
  @Max(7 * 24 * 3_600_000)
  MODERATION_FILTER_RETRAIN_MS: number = 3_600_000;
}
