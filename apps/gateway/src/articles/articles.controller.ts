import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Actor, ImportArticlesInput, ListArticlesQuery, PublishArticleInput, UpdateArticleInput } from '@app/contracts';
import { CurrentUser, Public, Roles } from '../auth/auth.decorators';
import { UpstreamClient } from '../upstream/upstream.client';
import { resourceId } from '../ids/resource-id.pipe';

const id = resourceId;

/** Stories: editors publish, change and unpublish them; everyone reads what is published. */
@ApiTags('articles')
@ApiBearerAuth()
@Controller('api/v1/articles')
export class ArticlesController {
  constructor(private readonly upstream: UpstreamClient) {}

  @Post()
  @Roles('editor')
  @ApiOperation({ summary: 'Publish a story; its comment thread opens by event' })
  @ApiBody({ schema: { $ref: getSchemaPath('PublishArticleInput') } })
  @ApiResponse({ status: 201, description: 'the story as stored' })
  publish(@Body() input: PublishArticleInput, @CurrentUser() actor: Actor) {
    return this.upstream.call('articles', { method: 'POST', path: '/articles', body: input, actor });
  }

  @Post('import')
  @HttpCode(200)
  @Roles('editor')
  @ApiOperation({
    summary: 'Move stories in from another system (publishedAt may be years ago); idempotent by slug',
    description:
      'At most 500 stories per call (and within BODY_LIMIT_BYTES). A story whose slug is taken is reported `existing` and left as it is. ' +
      'A story already past its comment deadlines gets its thread in its final state (archived) at once, with its events.',
  })
  @ApiBody({ schema: { $ref: getSchemaPath('ImportArticlesInput') } })
  @ApiResponse({ status: 200, description: '{ imported, skipped, stories: [{ id, slug, result: imported | existing }] }' })
  import(@Body() input: ImportArticlesInput, @CurrentUser() actor: Actor) {
    return this.upstream.call('articles', { method: 'POST', path: '/articles/import', body: input, actor });
  }

  @Patch(':id')
  @Roles('editor')
  @ApiOperation({ summary: 'Change a story; a new publishedAt or comment policy moves its thread deadlines' })
  @ApiBody({ schema: { $ref: getSchemaPath('UpdateArticleInput') } })
  update(@Param('id', id) articleId: string, @Body() input: UpdateArticleInput, @CurrentUser() actor: Actor) {
    return this.upstream.call('articles', { method: 'PATCH', path: `/articles/${articleId}`, body: input, actor });
  }

  @Delete(':id')
  @HttpCode(200)
  @Roles('editor')
  @ApiOperation({ summary: 'Unpublish a story; its thread is hidden and stops taking comments' })
  unpublish(@Param('id', id) articleId: string, @CurrentUser() actor: Actor) {
    return this.upstream.call('articles', { method: 'DELETE', path: `/articles/${articleId}`, actor });
  }

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'A published story (editors also see unpublished ones)' })
  get(@Param('id', id) articleId: string, @CurrentUser() actor?: Actor) {
    return this.upstream.call('articles', { method: 'GET', path: `/articles/${articleId}`, actor });
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'Published stories, newest first, by category or tag, cursor-paged' })
  list(@Query() query: ListArticlesQuery) {
    return this.upstream.call('articles', { method: 'GET', path: '/articles', query: { ...query } });
  }
}
