import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Actor, DomainError, ErasureInput } from '@app/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { UserIdPipe } from '../moderation/user-id.pipe';
import { UpstreamClient } from '../upstream/upstream.client';
import { ErasedReaders } from './erased-readers';

const DOWNLOAD = {
  summary: "A reader's own data as JSON: every comment they wrote, in every status (with the reason), with its story and times",
  description: 'Format reader-data/v1 (docs/reader-data.md): { format, userId, exportedAt, erasedAt, names, comments: [{ id, story: { id, title, slug }, parentId, status, reason, body, source, revision, postedAt, editedAt, decidedAt }] }.',
};
const ERASE = {
  summary: "Erase a reader's account: their comments leave the threads (or are anonymised, by configuration), counts follow, every service forgets them; announced as user.erased",
  description:
    'Body { "confirm": "erase" }. Afterwards every token of the reader issued before the erasure is refused (401 account_erased). Moderation keeps its decisions on their comments, without the text. 409 already_erased when there is nothing left to erase.',
};

/** A reader's own data: download and erasure, by the reader (/me) or by an admin for them (/users/:id). */
@ApiTags('reader data')
@ApiBearerAuth()
@Controller('api/v1')
export class ReaderDataController {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly erased: ErasedReaders,
  ) {}

  @Get('me/data')
  @Roles('reader', 'moderator', 'editor')
  @ApiOperation(DOWNLOAD)
  downloadOwn(@CurrentUser() actor: Actor) {
    return this.download(actor.id, actor);
  }

  @Post('me/erasure')
  @HttpCode(200)
  @Roles('reader', 'moderator', 'editor')
  @ApiOperation(ERASE)
  @ApiBody({ schema: { $ref: getSchemaPath('ErasureInput') } })
  @ApiResponse({ status: 200, description: 'what was erased: { userId, erasedAt, mode, comments, stories }' })
  @ApiResponse({ status: 403, description: 'staff_account: a moderator\'s or editor\'s account is erased by an admin (POST /api/v1/users/{id}/erasure)' })
  @ApiResponse({ status: 409, description: 'already_erased; erasure_interrupted (a comment changed meanwhile: erase again to finish)' })
  eraseOwn(@Body() input: ErasureInput, @CurrentUser() actor: Actor) {
    // A staff account belongs to the newsroom too (its decisions, its notes): an admin erases it,
    // deliberately. (A moderator's one schema-valid call erased the account mid-session before.)
    if (actor.roles.some((role) => role !== 'reader')) {
      throw new DomainError('forbidden', 'staff_account', "a moderator's or editor's account is erased by an admin, on its owner's behalf (POST /api/v1/users/{id}/erasure)");
    }
    return this.erase(actor.id, input, actor);
  }

  @Get('users/:id/data')
  @Roles('admin')
  @ApiOperation({ ...DOWNLOAD, summary: `${DOWNLOAD.summary} (an admin, on the reader's behalf)` })
  downloadFor(@Param('id', UserIdPipe) userId: string, @CurrentUser() actor: Actor) {
    return this.download(userId, actor);
  }

  @Post('users/:id/erasure')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ ...ERASE, summary: `${ERASE.summary} (an admin, on the reader's behalf)` })
  @ApiBody({ schema: { $ref: getSchemaPath('ErasureInput') } })
  @ApiResponse({ status: 200, description: 'what was erased: { userId, erasedAt, mode, comments, stories }' })
  @ApiResponse({ status: 409, description: 'already_erased; erasure_interrupted' })
  eraseFor(@Param('id', UserIdPipe) userId: string, @Body() input: ErasureInput, @CurrentUser() actor: Actor) {
    return this.erase(userId, input, actor);
  }

  private download(userId: string, actor: Actor) {
    return this.upstream.call('comments', { method: 'GET', path: `/readers/${encodeURIComponent(userId)}/data`, actor });
  }

  private async erase(userId: string, input: ErasureInput, actor: Actor) {
    const result = await this.upstream.call<{ erasedAt: string }>('comments', {
      method: 'POST',
      path: `/readers/${encodeURIComponent(userId)}/erasure`,
      body: input,
      actor,
    });
    // This instance refuses the reader at once; the others learn it from user.erased.
    this.erased.add(userId, Date.parse(result.erasedAt));
    return result;
  }
}
