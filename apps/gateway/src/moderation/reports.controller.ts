import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Actor, ReportInput } from '@app/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { RateLimited } from '../rate-limit/rate-limit.guard';
import { UpstreamClient } from '../upstream/upstream.client';
import { resourceId } from '../ids/resource-id.pipe';

/** Readers flag comments for the moderators. */
@ApiTags('moderation')
@ApiBearerAuth()
@Controller('api/v1/comments/:id/reports')
export class ReportsController {
  constructor(private readonly upstream: UpstreamClient) {}

  @Post()
  @Roles('reader', 'moderator', 'editor')
  @RateLimited()
  @ApiOperation({
    summary: 'Report a comment, with a reason; once per reader per comment',
    description:
      'After MODERATION_REPORT_THRESHOLD reports (default 3) an approved comment enters the reported queue; it stays visible until a moderator rejects it.',
  })
  @ApiBody({ schema: { $ref: getSchemaPath('ReportInput') } })
  @ApiResponse({ status: 201, description: '{ commentId, reports }: the number of readers who reported it' })
  @ApiResponse({ status: 409, description: 'already_reported, or comment_not_visible' })
  @ApiResponse({ status: 429, description: 'rate_limited: the same per-reader and per-address limits as posting (Retry-After)' })
  report(@Param('id', resourceId) commentId: string, @Body() input: ReportInput, @CurrentUser() actor: Actor) {
    return this.upstream.call('moderation', { method: 'POST', path: `/comments/${commentId}/reports`, body: input, actor });
  }
}
