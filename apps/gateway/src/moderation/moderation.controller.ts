import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Actor, BulkDecisionInput, DecisionInput, NoteInput, OverrideInput, QUEUE_STATUSES, QueueQuery, QueueSection, SanctionInput } from '@app/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { UpstreamClient } from '../upstream/upstream.client';
import { UserIdPipe } from './user-id.pipe';
import { resourceId } from '../ids/resource-id.pipe';

const uuid = resourceId;

/**
 * The moderators' desk: the queue, decisions, the audit trail and sanctions. Moderators (and
 * admins, who may do everything); editors publish stories but do not moderate readers.
 */
@ApiTags('moderation')
@ApiBearerAuth()
@Roles('moderator')
@Controller('api/v1/moderation')
export class ModerationController {
  constructor(private readonly upstream: UpstreamClient) {}

  @Get('queue')
  @ApiOperation({
    summary: 'Comments waiting for a moderator (status held by default; or reported, approved, rejected), oldest first, cursor-paged',
    description:
      'Filters: articleId, a section (category: the stories "Posted to" it; articleIds: up to 50 story ids, comma-separated; both: the stories of the set in the category), ' +
      'authorId, q (case-insensitive text in the body), from/to (posting time of the current revision, ISO-8601). ' +
      'Each item: the comment, its story, the author\'s record (counts per status, active sanctions) and why it is there (the verdict and any reports).',
  })
  @ApiQuery({ name: 'status', required: false, enum: QUEUE_STATUSES, description: 'default held' })
  @ApiQuery({ name: 'articleId', required: false, description: 'a story id (UUID)' })
  @ApiQuery({ name: 'category', required: false, description: 'a section: stories posted to this category (1–100 characters)' })
  @ApiQuery({ name: 'articleIds', required: false, description: 'a section: up to 50 story ids (UUIDs), comma-separated' })
  @ApiQuery({ name: 'authorId', required: false, description: "a reader's id" })
  @ApiQuery({ name: 'q', required: false, description: 'case-insensitive text in the body (1–200 characters, taken literally)' })
  @ApiQuery({ name: 'from', required: false, description: 'ISO-8601 date-time with zone; posted at or after' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO-8601 date-time with zone; posted before' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: '1–100, default 50' })
  queue(@Query() query: QueueQuery, @CurrentUser() actor: Actor) {
    return this.upstream.call('moderation', {
      method: 'GET',
      path: '/queue',
      query: {
        status: query.status,
        articleId: query.articleId,
        category: query.category,
        articleIds: query.articleIds?.join(','),
        authorId: query.authorId,
        q: query.q,
        from: query.from?.toISOString(),
        to: query.to?.toISOString(),
        cursor: query.cursor,
        limit: query.limit,
      },
      actor,
    });
  }

  @Get('queue/counts')
  @ApiOperation({ summary: 'How many comments each queue holds now, in all or in a section (category and/or articleIds, as on the queue): { held, reported, approved, rejected }' })
  @ApiQuery({ name: 'category', required: false, description: 'a section: stories posted to this category (1–100 characters)' })
  @ApiQuery({ name: 'articleIds', required: false, description: 'a section: up to 50 story ids (UUIDs), comma-separated' })
  queueCounts(@Query() section: QueueSection, @CurrentUser() actor: Actor) {
    return this.upstream.call('moderation', {
      method: 'GET',
      path: '/queue/counts',
      query: { category: section.category, articleIds: section.articleIds?.join(',') },
      actor,
    });
  }

  @Get('queue/sections')
  @ApiOperation({
    summary: 'The open queues per section: { sections: [{ category, held, reported }], uncategorised: { held, reported } }, busiest first',
    description: 'A story posted to several categories counts in each.',
  })
  sections(@CurrentUser() actor: Actor) {
    return this.upstream.call('moderation', { method: 'GET', path: '/queue/sections', actor });
  }

  @Post('comments/:id/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve or reject a comment, with a reason; announced as moderation.decided' })
  @ApiBody({ schema: { $ref: getSchemaPath('DecisionInput') } })
  @ApiResponse({ status: 409, description: 'already_decided (another moderator was first), revision_changed (the author edited it), comment_deleted' })
  decide(@Param('id', uuid) commentId: string, @Body() input: DecisionInput, @CurrentUser() actor: Actor) {
    return this.upstream.call('moderation', { method: 'POST', path: `/comments/${commentId}/decision`, body: input, actor });
  }

  @Post('comments/:id/override')
  @HttpCode(200)
  @ApiOperation({
    summary: "Reverse a comment's latest decision (a rule's or a colleague's), with a reason; announced as moderation.decided",
    description: 'decisionSeq is the decision being reversed (verdict.seq of the case as the moderator saw it). The history keeps both decisions.',
  })
  @ApiBody({ schema: { $ref: getSchemaPath('OverrideInput') } })
  @ApiResponse({ status: 409, description: 'decision_changed (another decision came since: reload), nothing_to_override (it has that status already), comment_deleted' })
  override(@Param('id', uuid) commentId: string, @Body() input: OverrideInput, @CurrentUser() actor: Actor) {
    return this.upstream.call('moderation', { method: 'POST', path: `/comments/${commentId}/override`, body: input, actor });
  }

  @Post('decisions')
  @HttpCode(200)
  @ApiOperation({ summary: 'Several decisions at once (at most 200); each item is reported { ok: true } or { ok: false, code, message }' })
  @ApiBody({ schema: { $ref: getSchemaPath('BulkDecisionInput') } })
  decideMany(@Body() input: BulkDecisionInput, @CurrentUser() actor: Actor) {
    return this.upstream.call('moderation', { method: 'POST', path: '/decisions', body: input, actor });
  }

  @Get('comments/:id/history')
  @ApiOperation({ summary: "A comment's full audit trail: submitted, every rule verdict, every moderator decision (who, why), edits, reports" })
  history(@Param('id', uuid) commentId: string, @CurrentUser() actor: Actor) {
    return this.upstream.call('moderation', { method: 'GET', path: `/comments/${commentId}/history`, actor });
  }

  @Get('filter')
  @ApiOperation({
    summary: "Our filter (trained from moderators' decisions): whether it is on, its thresholds, and the newest model with its held-out precision and recall",
  })
  filter(@CurrentUser() actor: Actor) {
    return this.upstream.call('moderation', { method: 'GET', path: '/filter', actor });
  }

  @Post('filter/retrain')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Train the filter now from the case journal: { trained: true, version, examples, heldOut }; 409 not_enough_examples (with examples and needed) changes nothing',
    description: 'Also when the filter is off (MODERATION_FILTER_ENABLED), to see what it would do; a new version is used by every instance within 30 s.',
  })
  retrainFilter(@CurrentUser() actor: Actor) {
    return this.upstream.call('moderation', { method: 'POST', path: '/filter/retrain', actor });
  }

  @Get('users/:id')
  @ApiOperation({ summary: "A reader's record: counts per status, recent comments, sanctions (active, past, warnings acknowledged) and moderators' notes (newest first)" })
  user(@Param('id', UserIdPipe) userId: string, @CurrentUser() actor: Actor) {
    return this.upstream.call('moderation', { method: 'GET', path: `/users/${encodeURIComponent(userId)}`, actor });
  }

  @Post('users/:id/notes')
  @ApiOperation({ summary: 'Add a note to a reader (moderators only ever see it): shown in their record and beside their queue items; announced as user.noted' })
  @ApiBody({ schema: { $ref: getSchemaPath('NoteInput') } })
  @ApiResponse({ status: 201, description: 'the note: { id, text, by, at }' })
  addNote(@Param('id', UserIdPipe) userId: string, @Body() input: NoteInput, @CurrentUser() actor: Actor) {
    return this.upstream.call('moderation', { method: 'POST', path: `/users/${encodeURIComponent(userId)}/notes`, body: input, actor });
  }

  @Post('users/:id/sanctions')
  @ApiOperation({
    summary: 'Sanction a reader: ban (until lifted), suspend (until a time), premoderate (optionally until a time), warn (told on each post until acknowledged; the posts go through); announced as user.sanctioned',
  })
  @ApiBody({ schema: { $ref: getSchemaPath('SanctionInput') } })
  @ApiResponse({ status: 201, description: 'the sanction, with its id' })
  sanction(@Param('id', UserIdPipe) userId: string, @Body() input: SanctionInput, @CurrentUser() actor: Actor) {
    return this.upstream.call('moderation', { method: 'POST', path: `/users/${encodeURIComponent(userId)}/sanctions`, body: input, actor });
  }

  @Delete('users/:id/sanctions/:sanctionId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift a sanction; announced as user.sanction_lifted' })
  @ApiResponse({ status: 409, description: 'sanction_already_lifted' })
  lift(@Param('id', UserIdPipe) userId: string, @Param('sanctionId', uuid) sanctionId: string, @CurrentUser() actor: Actor) {
    return this.upstream.call('moderation', { method: 'DELETE', path: `/users/${encodeURIComponent(userId)}/sanctions/${sanctionId}`, actor });
  }
}
