import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventOf } from '@app/contracts';
import { OnEvent } from '@app/kafka';
import { CasesService } from './cases.service';

/** The comments side's events that open or change a case. Idempotent by the case's revision and status. */
@Controller()
export class CasesConsumer {
  constructor(private readonly cases: CasesService) {}

  @OnEvent('comment.submitted', 'comment.edited')
  onCommentSubmitted(@Payload() event: EventOf<'comment.submitted' | 'comment.edited'>) {
    return this.cases.review(event.payload);
  }

  @OnEvent('comment.imported')
  onCommentImported(@Payload() event: EventOf<'comment.imported'>) {
    return this.cases.recordImported(event.payload);
  }

  @OnEvent('comment.deleted')
  onCommentDeleted(@Payload() event: EventOf<'comment.deleted'>) {
    return this.cases.recordDeleted(event.payload);
  }
}
