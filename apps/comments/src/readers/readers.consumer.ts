import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventOf } from '@app/contracts';
import { OnEvent } from '@app/kafka';
import { ReadersService } from './readers.service';

/** Moderation's sanctions, kept here so a banned reader's post is refused at once. Idempotent by sanction id. */
@Controller()
export class ReadersConsumer {
  constructor(private readonly readers: ReadersService) {}

  @OnEvent('user.sanctioned')
  onUserSanctioned(@Payload() event: EventOf<'user.sanctioned'>) {
    return this.readers.recordSanction(event.payload);
  }

  @OnEvent('user.sanction_lifted')
  onSanctionLifted(@Payload() event: EventOf<'user.sanction_lifted'>) {
    return this.readers.liftSanction(event.payload);
  }
}
