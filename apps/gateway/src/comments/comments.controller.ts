import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Actor, ImportCommentsInput, ListCommentsQuery } from '@app/contracts';
import { CurrentUser, Public, Roles } from '../auth/auth.decorators';
import { UpstreamClient } from '../upstream/upstream.client';

const id = new ParseUUIDPipe({ version: '4' });

/** A story's comments: everyone reads them; admins move existing ones in. */
@ApiTags('comments')
@ApiBearerAuth()
@Controller('api/v1/articles/:id/comments')
export class CommentsController {
  constructor(private readonly upstream: UpstreamClient) {}

  @Get()
  @Public()
  @ApiOperation({ summary: "A story's thread: its state, approved count and comments, oldest first, cursor-paged (open, closed and archived alike)" })
  read(@Param('id', id) articleId: string, @Query() query: ListCommentsQuery) {
    return this.upstream.call('comments', { method: 'GET', path: `/threads/${articleId}/comments`, query: { ...query } });
  }

  @Post('import')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Import existing comments (stored approved, source import); the same batch twice changes nothing',
    description: 'At most 1000 comments per call, and no more than the gateway body limit (BODY_LIMIT_BYTES): split larger archives.',
  })
  @ApiBody({ schema: { $ref: getSchemaPath('ImportCommentsInput') } })
  import(@Param('id', id) articleId: string, @Body() input: ImportCommentsInput, @CurrentUser() actor: Actor) {
    return this.upstream.call('comments', { method: 'POST', path: `/threads/${articleId}/comments/import`, body: input, actor });
  }
}
