import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { Actor, NoteInput, SanctionInput } from '@app/contracts';
import { ActingUser, Roles } from '@app/http';
import { CasesService } from '../cases/cases.service';
import { NotesService, RECORD_NOTES } from '../notes/notes.service';
import { SanctionsService } from '../sanctions/sanctions.service';
import { UserIdPipe } from './user-id.pipe';

/** A reader as moderators see them: their record and their sanctions. Reached only through the gateway. */
@Roles('moderator')
@Controller('users')
export class UsersController {
  constructor(
    private readonly cases: CasesService,
    private readonly sanctions: SanctionsService,
    private readonly notes: NotesService,
  ) {}

  @Get(':id')
  async get(@Param('id', UserIdPipe) userId: string) {
    const [record, sanctions, notes] = await Promise.all([this.cases.authorRecord(userId), this.sanctions.listFor(userId), this.notes.summaries([userId], RECORD_NOTES)]);
    return {
      id: userId,
      name: record.name,
      history: record.counts,
      activeSanctions: sanctions.filter((s) => s.status === 'active'),
      sanctions,
      recentComments: record.recent,
      notes: notes.get(userId) ?? { count: 0, latest: [] },
    };
  }

  @Post(':id/notes')
  addNote(@Param('id', UserIdPipe) userId: string, @Body() input: NoteInput, @ActingUser() moderator: Actor) {
    return this.notes.add(userId, input, moderator);
  }

  @Post(':id/sanctions')
  impose(@Param('id', UserIdPipe) userId: string, @Body() input: SanctionInput, @ActingUser() moderator: Actor) {
    return this.sanctions.impose(userId, input, moderator);
  }

  @Delete(':id/sanctions/:sanctionId')
  @HttpCode(200)
  lift(@Param('id', UserIdPipe) userId: string, @Param('sanctionId', ParseUUIDPipe) sanctionId: string, @ActingUser() moderator: Actor) {
    return this.sanctions.lift(userId, sanctionId, moderator);
  }
}
