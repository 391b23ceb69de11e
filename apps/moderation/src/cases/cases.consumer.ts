import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventOf } from '@app/contracts';
import { OnEventInOrderOf } from '@app/kafka';
import { CasesService } from './cases.service';

/** Cases are independent of each other: only one comment's events must keep their order. */
const byComment = (event: { payload: { commentId: string } }) => event.payload.commentId;

/** The comments side's events that open or change a case. Idempotent by the case's revision and status. */
@Controller()
export class CasesConsumer {
  constructor(private readonly cases: CasesService) {}

  @OnEventInOrderOf(byComment, 'comment.submitted', 'comment.edited')
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
