import { IsBoolean, IsIn, IsInt, Max, Min } from 'class-validator';
import { ERASURE_MODES, ErasureMode } from '@app/contracts';
import { DatabaseServiceConfig, EnvBoolean } from '@app/config';

export class CommentsConfig extends DatabaseServiceConfig {
  override PORT: number = 3002;
  override MONGO_URL = 'mongodb://127.0.0.1:27017/comments';

  /** Whether this instance sweeps threads for due transitions (any number of instances may). */
  @EnvBoolean()
  @IsBoolean()
  THREAD_SWEEP_ENABLED: boolean = true;

  /** Pause between two sweep passes: a close or archive happens at most this late. */
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  THREAD_SWEEP_INTERVAL_MS: number = 5_000;

  /** Due threads read per query of a pass. */
  @IsInt()
  @Min(1)
  @Max(5_000)
  THREAD_SWEEP_BATCH: number = 500;

  /** Threads of a batch changed at the same time. */
  @IsInt()
  @Min(1)
  @Max(64)
  THREAD_SWEEP_CONCURRENCY: number = 8;

  /** How long after posting its author may still edit a comment (the edit is moderated again). */
  @IsInt()
  @Min(0)
  @Max(10_080)
  COMMENT_EDIT_WINDOW_MINUTES: number = 15;

  /** Replies nest at most this deep (0 = no replies). */
  @IsInt()
  @Min(0)
  @Max(10)
  COMMENT_MAX_REPLY_DEPTH: number = 3;

  /** How long a post waits for the broker's acknowledgement before answering anyway (it is stored). */
  @IsInt()
  @Min(100)
  @Max(30_000)
  COMMENT_PUBLISH_TIMEOUT_MS: number = 2_000;

  /** Posts arriving within this many milliseconds of each other are stored in one write; 0: each at once, alone. */
  @IsInt()
  @Min(0)
  @Max(100)
  COMMENT_BATCH_LINGER_MS: number = 2;

  @IsInt()
  @Min(1)
  @Max(1_000)
  COMMENT_BATCH_MAX: number = 200;

  /** Visible comments held in memory for thread reads (see ThreadReadModel); 0 reads pages from the database. */
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  THREAD_READ_MODEL_MAX_COMMENTS: number = 200_000;

  /**
   * The oldest story list served from memory, in case changes went unheard (events keep it
   * current; a stalled listener learns it missed some only when it rejoins its group).
   */
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  THREAD_READ_MODEL_MAX_AGE_MS: number = 30_000;

  /** How often the reconciler looks for comments left pending (see reconciler/); 0 turns it off. */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  COMMENTS_RECONCILE_INTERVAL_MS: number = 60_000;

  /**
   * A comment pending longer than this (since posted or edited) is announced again, so moderation
   * decides it: its submission was dead-lettered or lost. Moderation decides within seconds.
   */
  @IsInt()
  @Min(1_000)
  @Max(7 * 24 * 3_600_000)
  COMMENTS_PENDING_MAX_AGE_MS: number = 600_000;

  /**
   * Memory for thread documents held for posts and reads, in bytes (see ThreadStateCache; a
   * thread is about 1 KB as counted, so the default holds some 16,000); 0 reads them from the
   * database each time.
   */
  @IsInt()
  @Min(0)
  @Max(2 ** 31)
  THREAD_STATE_CACHE_MAX_BYTES: number = 16 * 1024 ** 2;

  /** The oldest thread document used from memory, in case changes went unheard (events keep it current). */
  @IsInt()
  @Min(0)
  @Max(600_000)
  THREAD_STATE_CACHE_MAX_AGE_MS: number = 30_000;

  /**
   * Every reader's bans and suspensions are held in memory and reloaded by one query this often
   * (ms), and at once after this instance records or lifts one; a post is checked against them
   * without a read. A snapshot older than 5 × this (the database is away) is not used: posts read
   * the reader instead. 0 = always read the reader.
   */
  @IsInt()
  @Min(0)
  @Max(60_000)
  READER_SANCTIONS_REFRESH_MS: number = 1_000;

  /**
   * What erasing a reader's account does to their comments (docs/reader-data.md): remove (default:
   * every comment leaves its thread; one with replies stays as an empty placeholder) or anonymise
   * (approved comments keep their text under "Former reader"; the rest are removed).
   */
  @IsIn(ERASURE_MODES)
  COMMENTS_ERASURE_MODE: ErasureMode = 'remove';
}
