import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Actor, ErasureInput } from '@app/contracts';
import { ActingUser, Roles } from '@app/http';
import { invalidUserId } from './reader-data.errors';
import { ReaderDataService } from './reader-data.service';

const USER_ID = /^[^\s\u0000-\u001f\u007f]{1,200}$/u;
const userIdOf = (value: string) => {
  if (!USER_ID.test(value)) throw invalidUserId();
  return value;
};

/** A reader's own data (reached only through the gateway: /api/v1/me/data and /api/v1/me/erasure, and the admin's /api/v1/users/:id/…). */
@Controller()
export class ReaderDataController {
  constructor(private readonly readerData: ReaderDataService) {}

  @Get('readers/:userId/data')
  @Roles('reader', 'moderator', 'editor')
  download(@Param('userId') userId: string, @ActingUser() actor: Actor) {
    return this.readerData.download(userIdOf(userId), actor);
  }

  @Post('readers/:userId/erasure')
  @Roles('reader', 'moderator', 'editor')
  @HttpCode(200)
  erase(@Param('userId') userId: string, @Body() _input: ErasureInput, @ActingUser() actor: Actor) {
    return this.readerData.erase(userIdOf(userId), actor);
  }

  /** The gateway's rebuild of the readers it refuses (signed by it like every call; no actor needed). */
  @Get('erasures')
  erasures(@Query('since') since?: string) {
    const at = since === undefined ? new Date(0) : new Date(since);
    return this.readerData.erasuresSince(Number.isNaN(at.getTime()) ? new Date(0) : at);
  }
}
