import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventOf } from '@app/contracts';
import { OnEvent } from '@app/kafka';
import { ArticlesService } from './articles.service';

type ThreadEvent = EventOf<'thread.opened' | 'thread.closed' | 'thread.reopened' | 'thread.archived' | 'thread.hidden' | 'thread.rescheduled'>;

/** Keeps what readers see of a story's comments current, from the comments side's events. */
@Controller()
export class ArticlesConsumer {
  constructor(private readonly articles: ArticlesService) {}

  @OnEvent('thread.opened', 'thread.closed', 'thread.reopened', 'thread.archived', 'thread.hidden', 'thread.rescheduled')
  onThreadChanged(@Payload() event: ThreadEvent) {
    return this.articles.recordThreadState(event.payload.articleId, event.payload.state, event.payload.seq);
  }
}
