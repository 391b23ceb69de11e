import { DatabaseServiceConfig } from '@app/config';

export class CommentsConfig extends DatabaseServiceConfig {
  override PORT = 3002;
  override MONGO_URL = 'mongodb://127.0.0.1:27017/comments';
}
