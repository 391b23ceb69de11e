import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Actor, ThreadActionInput } from '@app/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { ThreadCache } from '../thread-cache/thread-cache';
import { UpstreamClient } from '../upstream/upstream.client';
import { resourceId } from '../ids/resource-id.pipe';

const id = resourceId;

/** Manual control of a story's comment thread: moderators and editors, every action audited. */
@ApiTags('threads')
@ApiBearerAuth()
@Controller('api/v1/articles/:id/thread')
export class ThreadsController {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly cache: ThreadCache,
  ) {}

  @Get()
  @Roles('moderator', 'editor')
  @ApiOperation({ summary: "A story's thread for staff: state, schedule, count and audit trail" })
  detail(@Param('id', id) articleId: string, @CurrentUser() actor: Actor) {
    return this.upstream.call('comments', { method: 'GET', path: `/threads/${articleId}`, actor });
  }

  @Post('close')
  @HttpCode(200)
  @Roles('moderator', 'editor')
  @ApiOperation({ summary: 'Close commenting by hand (open → closed); 409 in any other state' })
  @ApiBody({ schema: { $ref: getSchemaPath('ThreadActionInput') } })
  @ApiResponse({ status: 409, description: 'invalid_thread_transition' })
  close(@Param('id', id) articleId: string, @Body() input: ThreadActionInput, @CurrentUser() actor: Actor) {
    return this.act(articleId, 'close', input, actor);
  }

  @Post('reopen')
  @HttpCode(200)
  @Roles('moderator', 'editor')
  @ApiOperation({ summary: 'Reopen a closed thread (closed → open); 409 when archived, open, or past its archive time' })
  @ApiBody({ schema: { $ref: getSchemaPath('ThreadActionInput') } })
  @ApiResponse({ status: 409, description: 'invalid_thread_transition or thread_archive_due' })
  reopen(@Param('id', id) articleId: string, @Body() input: ThreadActionInput, @CurrentUser() actor: Actor) {
    return this.act(articleId, 'reopen', input, actor);
  }

  @Post('archive')
  @HttpCode(200)
  @Roles('moderator', 'editor')
  @ApiOperation({ summary: 'Archive a thread now (open or closed → archived; final)' })
  @ApiBody({ schema: { $ref: getSchemaPath('ThreadActionInput') } })
  @ApiResponse({ status: 409, description: 'invalid_thread_transition' })
  archive(@Param('id', id) articleId: string, @Body() input: ThreadActionInput, @CurrentUser() actor: Actor) {
    return this.act(articleId, 'archive', input, actor);
  }

  private async act(articleId: string, action: string, input: ThreadActionInput, actor: Actor) {
    try {
      return await this.upstream.call('comments', { method: 'POST', path: `/threads/${articleId}/${action}`, body: input, actor });
    } finally {
      this.cache.evict(articleId.toLowerCase());
    }
  }
}
