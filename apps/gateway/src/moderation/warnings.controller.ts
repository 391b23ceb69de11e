import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '@app/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { UpstreamClient } from '../upstream/upstream.client';
import { resourceId } from '../ids/resource-id.pipe';

/** A reader acknowledges a moderator's warning (shown to them on each post until they do). */
@ApiTags('moderation')
@ApiBearerAuth()
@Controller('api/v1/me/warnings/:id/acknowledge')
export class WarningsController {
  constructor(private readonly upstream: UpstreamClient) {}

  @Post()
  @HttpCode(200)
  @Roles('reader', 'moderator', 'editor')
  @ApiOperation({
    summary: 'Acknowledge a warning given to you; announced as user.sanction_lifted (by you), after which posts no longer carry it',
    description: 'A post by a warned reader is accepted as usual, and its answer carries `warnings` ({ id, reason }) until each is acknowledged here. Acknowledging again answers the same.',
  })
  @ApiResponse({ status: 200, description: 'the warning, status acknowledged' })
  @ApiResponse({ status: 404, description: 'warning_not_found: no such warning given to you' })
  acknowledge(@Param('id', resourceId) sanctionId: string, @CurrentUser() actor: Actor) {
    return this.upstream.call('moderation', { method: 'POST', path: `/warnings/${sanctionId}/acknowledge`, actor });
  }
}
