import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Actor, ThreadActionInput } from '@app/contracts';
import { ActingUser, Roles } from '@app/http';
import { ThreadsService } from './threads.service';

/** The comments service's own API for threads, reached only through the gateway (which checks roles). */
@Controller('threads')
export class ThreadsController {
  constructor(private readonly threads: ThreadsService) {}

  /** Staff view: state, schedule, count and the audit trail. */
  @Get(':articleId')
  @Roles('moderator', 'editor')
  detail(@Param('articleId', ParseUUIDPipe) articleId: string) {
    return this.threads.detail(articleId);
  }

  @Post(':articleId/close')
  @Roles('moderator', 'editor')
  @HttpCode(200)
  close(@Param('articleId', ParseUUIDPipe) articleId: string, @Body() input: ThreadActionInput, @ActingUser() actor: Actor) {
    return this.threads.act(articleId, 'close', actor, input.reason);
  }

  @Post(':articleId/reopen')
  @Roles('moderator', 'editor')
  @HttpCode(200)
  reopen(@Param('articleId', ParseUUIDPipe) articleId: string, @Body() input: ThreadActionInput, @ActingUser() actor: Actor) {
    return this.threads.act(articleId, 'reopen', actor, input.reason);
  }

  @Post(':articleId/archive')
  @Roles('moderator', 'editor')
  @HttpCode(200)
  archive(@Param('articleId', ParseUUIDPipe) articleId: string, @Body() input: ThreadActionInput, @ActingUser() actor: Actor) {
    return this.threads.act(articleId, 'archive', actor, input.reason);
  }
}
