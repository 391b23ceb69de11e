import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventOf } from '@app/contracts';
import { OnEventInOrderOf } from '@app/kafka';
import { PostingService } from './posting.service';

/** Moderation's verdicts become what readers see. Idempotent (see PostingService.applyDecision). */
@Controller()
export class PostingConsumer {
  constructor(private readonly posting: PostingService) {}

  // Decisions on different comments of one story apply side by side; one comment's, in order.
  @OnEventInOrderOf((event: { payload: { commentId: string } }) => event.payload.commentId, 'moderation.decided')
  onModerationDecided(@Payload() event: EventOf<'moderation.decided'>) {
    return this.posting.applyDecision(event.payload);
  }
}
