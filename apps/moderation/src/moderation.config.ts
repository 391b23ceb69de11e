import { DatabaseServiceConfig } from '@app/config';

export class ModerationConfig extends DatabaseServiceConfig {
  override PORT: number = 3003;
  override MONGO_URL = 'mongodb://127.0.0.1:27017/moderation';
}
