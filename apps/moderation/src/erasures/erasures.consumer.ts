import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventOf } from '@app/contracts';
import { OnEventInOrderOf } from '@app/kafka';
import { ErasuresService } from './erasures.service';

/** In the order of the author's submissions (the cases consumer orders those by `author:<id>` too). */
const byAuthor = (event: { payload: { userId: string } }) => `author:${event.payload.userId}`;

/** user.erased: moderation forgets the reader but for its record of decisions. Idempotent (see ErasuresService). */
@Controller()
export class ErasuresConsumer {
  constructor(private readonly erasures: ErasuresService) {}

  @OnEventInOrderOf(byAuthor, 'user.erased')
  onUserErased(@Payload() event: EventOf<'user.erased'>) {
    return this.erasures.forget(event.payload);
  }
}
