import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ServiceConfig } from '@app/config';
import { EventPublisher, OutboxRelay } from '@app/kafka';
import { ARTICLE_THREAD_MODEL, ArticleThreadSchema } from './article-thread.schema';
import { ARTICLE_MODEL, ArticleSchema } from './article.schema';
import { ArticlesConsumer } from './articles.consumer';
import { ArticlesController } from './articles.controller';
import { ArticlesRepository } from './articles.repository';
import { ARTICLES_OUTBOX, ArticlesService } from './articles.service';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: ARTICLE_MODEL, schema: ArticleSchema },
      { name: ARTICLE_THREAD_MODEL, schema: ArticleThreadSchema },
    ]),
  ],
  controllers: [ArticlesController, ArticlesConsumer],
  providers: [
    ArticlesRepository,
    ArticlesService,
    {
      provide: ARTICLES_OUTBOX,
      inject: [EventPublisher, ArticlesRepository, ServiceConfig],
      useFactory: (publisher: EventPublisher, repository: ArticlesRepository, config: ServiceConfig) =>
        new OutboxRelay('articles', publisher, repository.outboxStore, { pollMs: config.OUTBOX_POLL_MS, batchSize: config.OUTBOX_POLL_LIMIT }),
    },
  ],
})
export class ArticlesModule {}
