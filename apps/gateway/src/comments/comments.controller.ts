import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Actor, ImportCommentsInput, ListCommentsQuery } from '@app/contracts';
import { CurrentUser, Public, Roles } from '../auth/auth.decorators';
import { ThreadCache } from '../thread-cache/thread-cache';
import { UpstreamClient } from '../upstream/upstream.client';
import { resourceId } from '../ids/resource-id.pipe';

const id = resourceId;

/** A story's comments: everyone reads them; admins move existing ones in. */
@ApiTags('comments')
@ApiBearerAuth()
@Controller('api/v1/articles/:id/comments')
export class CommentsController {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly cache: ThreadCache,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: "A story's thread: its state, approved count and comments, oldest first, cursor-paged (open, closed and archived alike)" })
  @Header('content-type', 'application/json; charset=utf-8')
  read(@Param('id', id) articleId: string, @Query() query: ListCommentsQuery): Promise<string> {
    // Served from memory, kept current by the story's events (see thread-cache/): the JSON text
    // is passed on as the comments service wrote it.
    const key = `${query.limit}|${query.cursor ?? ''}`;
    // Events name stories in lower case; a page cached under another spelling would never be told.
    return this.cache.read(articleId.toLowerCase(), key, () =>
      this.upstream.callRaw('comments', { method: 'GET', path: `/threads/${articleId}/comments`, query: { ...query } }),
    );
  }

  @Post('import')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Import existing comments (stored approved, source import); the same batch twice changes nothing',
    description: 'At most 1000 comments per call, and no more than the gateway body limit (BODY_LIMIT_BYTES): split larger archives.',
  })
  @ApiBody({ schema: { $ref: getSchemaPath('ImportCommentsInput') } })
  async import(@Param('id', id) articleId: string, @Body() input: ImportCommentsInput, @CurrentUser() actor: Actor) {
    try {
      return await this.upstream.call('comments', { method: 'POST', path: `/threads/${articleId}/comments/import`, body: input, actor });
    } finally {
      this.cache.evict(articleId.toLowerCase());
    }
  }
}
