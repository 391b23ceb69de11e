import { IsBoolean, IsInt, Max, Min } from 'class-validator';
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
}
