import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Actor } from '@app/contracts';
import { ActingUser, Roles } from '@app/http';
import { SanctionsService } from '../sanctions/sanctions.service';

/** A reader's side of a warning: acknowledging it. Reached only through the gateway. */
@Controller('warnings')
export class WarningsController {
  constructor(private readonly sanctions: SanctionsService) {}

  @Post(':id/acknowledge')
  @Roles('reader', 'moderator', 'editor')
  @HttpCode(200)
  acknowledge(@Param('id', ParseUUIDPipe) sanctionId: string, @ActingUser() reader: Actor) {
    return this.sanctions.acknowledge(sanctionId, reader);
  }
}
