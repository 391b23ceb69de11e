import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventOf } from '@app/contracts';
import { OnEventInOrderOf } from '@app/kafka';
import { CasesService } from './cases.service';

/** A comment's events keep their order, and so do an author's submissions (the rules read the author's history). */
const byComment = (event: { payload: { commentId: string } }) => `comment:${event.payload.commentId}`;
const byCommentAndAuthor = (event: { payload: { commentId: string; author: { id?: string } } }) =>
  event.payload.author.id ? [byComment(event), `author:${event.payload.author.id}`] : byComment(event);

/** The comments side's events that open or change a case. Idempotent by the case's revision and status. */
@Controller()
export class CasesConsumer {
  constructor(private readonly cases: CasesService) {}

  @OnEventInOrderOf(byCommentAndAuthor, 'comment.submitted', 'comment.edited')
  onCommentSubmitted(@Payload() event: EventOf<'comment.submitted' | 'comment.edited'>) {
    return this.cases.review(event.payload);
  }

  @OnEventInOrderOf(byComment, 'comment.imported')
  onCommentImported(@Payload() event: EventOf<'comment.imported'>) {
    return this.cases.recordImported(event.payload);
  }

  @OnEventInOrderOf(byComment, 'comment.deleted')
  onCommentDeleted(@Payload() event: EventOf<'comment.deleted'>) {
    return this.cases.recordDeleted(event.payload);
  }
}
