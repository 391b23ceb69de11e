import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Actor, EditCommentInput, SubmitCommentInput } from '@app/contracts';
import { CurrentUser, Public, Roles } from '../auth/auth.decorators';
import { RateLimited } from '../rate-limit/rate-limit.guard';
import { UpstreamClient } from '../upstream/upstream.client';
import { resourceId } from '../ids/resource-id.pipe';

const id = resourceId;

/** Readers post, edit and delete their comments; the verdict follows by events. */
@ApiTags('comments')
@ApiBearerAuth()
@Controller('api/v1')
export class PostingController {
  constructor(private readonly upstream: UpstreamClient) {}

  @Post('articles/:id/comments')
  @HttpCode(202)
  @Roles('reader', 'moderator', 'editor')
  @RateLimited()
  @ApiOperation({ summary: 'Post a comment (or a reply with parentId); accepted as pending, moderated by events' })
  @ApiBody({ schema: { $ref: getSchemaPath('SubmitCommentInput') } })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retry with the same key returns the same answer and creates one comment' })
  @ApiResponse({ status: 202, description: '{ id, status: "pending", … }, and warnings: [{ id, reason, at }] when a moderator warned the author (acknowledge: POST /api/v1/me/warnings/{id}/acknowledge)' })
  @ApiResponse({ status: 409, description: 'commenting has expired or was closed, or the comments are archived' })
  @ApiResponse({ status: 429, description: 'too many posts; see Retry-After' })
  submit(
    @Param('id', id) articleId: string,
    @Body() input: SubmitCommentInput,
    @CurrentUser() actor: Actor,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.upstream.call('comments', {
      method: 'POST',
      path: `/threads/${articleId}/comments`,
      body: input,
      actor,
      ...(idempotencyKey !== undefined ? { headers: { 'idempotency-key': idempotencyKey } } : {}),
    });
  }

  @Get('comments/:id')
  @Public()
  @ApiOperation({ summary: 'A comment: its author sees its status and why; others see it once approved' })
  view(@Param('id', id) commentId: string, @CurrentUser() actor?: Actor) {
    return this.upstream.call('comments', { method: 'GET', path: `/comments/${commentId}`, actor });
  }

  @Patch('comments/:id')
  @Roles('reader', 'moderator', 'editor')
  @RateLimited()
  @ApiOperation({ summary: 'Edit your comment within the edit window; it is moderated again' })
  @ApiBody({ schema: { $ref: getSchemaPath('EditCommentInput') } })
  edit(@Param('id', id) commentId: string, @Body() input: EditCommentInput, @CurrentUser() actor: Actor) {
    return this.upstream.call('comments', { method: 'PATCH', path: `/comments/${commentId}`, body: input, actor });
  }

  @Delete('comments/:id')
  @HttpCode(204)
  @Roles('reader', 'moderator', 'editor')
  @ApiOperation({ summary: 'Delete your comment (moderators: any comment); one with replies leaves a placeholder' })
  async remove(@Param('id', id) commentId: string, @CurrentUser() actor: Actor): Promise<void> {
    await this.upstream.call('comments', { method: 'DELETE', path: `/comments/${commentId}`, actor });
  }
}
