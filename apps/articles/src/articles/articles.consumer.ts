import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventOf } from '@app/contracts';
import { OnEventNewest } from '@app/kafka';
import { ArticlesService } from './articles.service';

type ThreadEvent = EventOf<
  'thread.opened' | 'thread.closed' | 'thread.reopened' | 'thread.archived' | 'thread.hidden' | 'thread.rescheduled' | 'thread.count_changed'
>;

/** Keeps what readers see of a story's comments current, from the comments side's events. */
@Controller()
export class ArticlesConsumer {
  constructor(private readonly articles: ArticlesService) {}

  /**
   * Every thread.* event carries the thread's state and count after the change; applied when its
   * seq is newer, so of a story's events in one fetched batch only the newest is applied.
   */
  @OnEventNewest(
    (event: { payload: { articleId: string; seq: number } }) => [event.payload.articleId, event.payload.seq],
    'thread.opened',
    'thread.closed',
    'thread.reopened',
    'thread.archived',
    'thread.hidden',
    'thread.rescheduled',
    'thread.count_changed',
  )
  onThreadChanged(@Payload() event: ThreadEvent) {
    const { articleId, state, seq, commentCount } = event.payload;
    return this.articles.recordThreadState(articleId, { state, seq, commentCount });
  }
}
