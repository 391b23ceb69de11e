import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ThreadsService } from './threads.service';

/** The comments service's own API, reached only through the gateway. */
@Controller('threads')
export class ThreadsController {
  constructor(private readonly threads: ThreadsService) {}

  @Get(':articleId')
  read(@Param('articleId', ParseUUIDPipe) articleId: string) {
    return this.threads.read(articleId);
  }
}
