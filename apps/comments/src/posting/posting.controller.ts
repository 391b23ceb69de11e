import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { Actor, DomainError, EditCommentInput, SubmitCommentInput } from '@app/contracts';
import { ActingUser, OptionalActingUser, Roles } from '@app/http';
import { PostingService } from './posting.service';

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,200}$/;

/** The comments service's own API for readers' comments, reached only through the gateway. */
@Controller()
export class PostingController {
  constructor(private readonly posting: PostingService) {}

  @Post('threads/:articleId/comments')
  @Roles('reader', 'moderator', 'editor')
  @HttpCode(202)
  submit(
    @Param('articleId', ParseUUIDPipe) articleId: string,
    @Body() input: SubmitCommentInput,
    @ActingUser() actor: Actor,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new DomainError('invalid', 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 200 visible ASCII characters');
    }
    return this.posting.submit(articleId, input, actor, idempotencyKey);
  }

  @Get('comments/:id')
  view(@Param('id', ParseUUIDPipe) id: string, @OptionalActingUser() actor: Actor | undefined) {
    return this.posting.view(id, actor);
  }

  @Patch('comments/:id')
  @Roles('reader', 'moderator', 'editor')
  edit(@Param('id', ParseUUIDPipe) id: string, @Body() input: EditCommentInput, @ActingUser() actor: Actor) {
    return this.posting.edit(id, input, actor);
  }

  @Delete('comments/:id')
  @Roles('reader', 'moderator', 'editor')
  @HttpCode(204)
  remove(@Param('id', ParseUUIDPipe) id: string, @ActingUser() actor: Actor) {
    return this.posting.remove(id, actor);
  }
}
