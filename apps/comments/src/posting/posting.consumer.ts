import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventOf } from '@app/contracts';
import { OnEvent } from '@app/kafka';
import { PostingService } from './posting.service';

/** Moderation's verdicts become what readers see. Idempotent (see PostingService.applyDecision). */
@Controller()
export class PostingConsumer {
  constructor(private readonly posting: PostingService) {}

  @OnEvent('moderation.decided')
  onModerationDecided(@Payload() event: EventOf<'moderation.decided'>) {
    return this.posting.applyDecision(event.payload);
  }
}
