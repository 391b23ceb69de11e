import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { Actor, BulkDecisionInput, DecisionInput, OverrideInput, QueueQuery, QueueSection, ReportInput } from '@app/contracts';
import { ActingUser, Roles } from '@app/http';
import { CasesService } from './cases.service';

/** The moderation service's own API for cases, reached only through the gateway (which checks roles). */
@Controller()
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Get('queue/counts')
  @Roles('moderator')
  queueCounts(@Query() section: QueueSection) {
    return this.cases.queueCounts(section);
  }

  @Get('queue/sections')
  @Roles('moderator')
  sections() {
    return this.cases.sections();
  }

  @Get('queue')
  @Roles('moderator')
  queue(@Query() query: QueueQuery) {
    return this.cases.queue(query);
  }

  @Post('comments/:id/decision')
  @Roles('moderator')
  @HttpCode(200)
  decide(@Param('id', ParseUUIDPipe) id: string, @Body() input: DecisionInput, @ActingUser() moderator: Actor) {
    return this.cases.decide(id, input, moderator);
  }

  @Post('comments/:id/override')
  @Roles('moderator')
  @HttpCode(200)
  override(@Param('id', ParseUUIDPipe) id: string, @Body() input: OverrideInput, @ActingUser() moderator: Actor) {
    return this.cases.override(id, input, moderator);
  }

  @Post('decisions')
  @Roles('moderator')
  @HttpCode(200)
  decideMany(@Body() input: BulkDecisionInput, @ActingUser() moderator: Actor) {
    return this.cases.decideMany(input, moderator);
  }

  @Get('comments/:id/history')
  @Roles('moderator')
  history(@Param('id', ParseUUIDPipe) id: string) {
    return this.cases.history(id);
  }

  @Post('comments/:id/reports')
  @Roles('reader', 'moderator', 'editor')
  report(@Param('id', ParseUUIDPipe) id: string, @Body() input: ReportInput, @ActingUser() reader: Actor) {
    return this.cases.report(id, input, reader);
  }
}
