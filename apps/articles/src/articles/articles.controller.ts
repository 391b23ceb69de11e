import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { Actor, ImportArticlesInput, ListArticlesQuery, PublishArticleInput, UpdateArticleInput } from '@app/contracts';
import { ActingUser, OptionalActingUser, Roles } from '@app/http';
import { ArticlesService } from './articles.service';

/** The articles service's own API, reached only through the gateway. */
@Controller('articles')
export class ArticlesController {
  constructor(private readonly articles: ArticlesService) {}

  @Post()
  @Roles('editor')
  publish(@Body() input: PublishArticleInput, @ActingUser() actor: Actor) {
    return this.articles.publish(input, actor);
  }

  @Post('import')
  @Roles('editor')
  @HttpCode(200)
  import(@Body() input: ImportArticlesInput, @ActingUser() actor: Actor) {
    return this.articles.import(input, actor);
  }

  @Patch(':id')
  @Roles('editor')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() input: UpdateArticleInput, @ActingUser() actor: Actor) {
    return this.articles.update(id, input, actor);
  }

  @Delete(':id')
  @Roles('editor')
  @HttpCode(200)
  unpublish(@Param('id', ParseUUIDPipe) id: string, @ActingUser() actor: Actor) {
    return this.articles.unpublish(id, actor);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string, @OptionalActingUser() actor: Actor | undefined) {
    const roles = actor?.roles ?? [];
    return this.articles.get(id, roles.includes('editor') || roles.includes('admin'));
  }

  @Get()
  list(@Query() query: ListArticlesQuery) {
    return this.articles.list(query);
  }
}
