import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { DatabaseServiceConfig, EnvBoolean } from '@app/config';

export class ArticlesConfig extends DatabaseServiceConfig {
  override PORT: number = 3001;
  override MONGO_URL = 'mongodb://127.0.0.1:27017/articles';

  /** Default comment policy of a story that does not set its own. */
  @IsInt()
  @Min(0)
  @Max(3650)
  COMMENTS_CLOSE_AFTER_DAYS: number = 14;

  @IsInt()
  @Min(0)
  @Max(36500)
  COMMENTS_ARCHIVE_AFTER_DAYS: number = 30;

  @EnvBoolean()
  @IsBoolean()
  COMMENTS_PRE_MODERATION: boolean = false;
}
