import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { Actor, ImportCommentsInput, ListCommentsQuery } from '@app/contracts';
import { ActingUser, Roles } from '@app/http';
import { CommentsService } from './comments.service';

/** The comments service's own API for comments, reached only through the gateway (which checks roles). */
@Controller('threads/:articleId/comments')
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @Get()
  read(@Param('articleId', ParseUUIDPipe) articleId: string, @Query() query: ListCommentsQuery) {
    return this.comments.readThread(articleId, query);
  }

  @Post('import')
  @Roles('admin')
  @HttpCode(200)
  import(@Param('articleId', ParseUUIDPipe) articleId: string, @Body() input: ImportCommentsInput, @ActingUser() actor: Actor) {
    return this.comments.import(articleId, input, actor);
  }
}
