import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventOf } from '@app/contracts';
import { OnEvent } from '@app/kafka';
import { StoriesService } from './stories.service';

/** Keeps moderation's copy of each story current. Idempotent by revision. */
@Controller()
export class StoriesConsumer {
  constructor(private readonly stories: StoriesService) {}

  @OnEvent('article.published', 'article.updated')
  onArticleChanged(@Payload() event: EventOf<'article.published' | 'article.updated'>) {
    return this.stories.record(event.payload);
  }

  @OnEvent('article.unpublished')
  onArticleUnpublished(@Payload() event: EventOf<'article.unpublished'>) {
    return this.stories.recordUnpublished(event.payload);
  }
}
