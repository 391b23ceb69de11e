import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventOf } from '@app/contracts';
import { OnEvent } from '@app/kafka';
import { ThreadsService } from './threads.service';

/** Story events drive the thread lifecycle. Each handler is idempotent (see ThreadsService). */
@Controller()
export class ThreadsConsumer {
  constructor(private readonly threads: ThreadsService) {}

  @OnEvent('article.published')
  onArticlePublished(@Payload() event: EventOf<'article.published'>) {
    return this.threads.open(event.payload);
  }

  @OnEvent('article.updated')
  onArticleUpdated(@Payload() event: EventOf<'article.updated'>) {
    return this.threads.applyUpdate(event.payload);
  }

  @OnEvent('article.unpublished')
  onArticleUnpublished(@Payload() event: EventOf<'article.unpublished'>) {
    return this.threads.hide(event.payload);
  }
}
