import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { outboxRelayProvider } from '@app/kafka';
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
    outboxRelayProvider(ARTICLES_OUTBOX, 'articles', ArticlesRepository),
  ],
})
export class ArticlesModule {}
