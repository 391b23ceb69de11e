import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Min, ValidateNested } from 'class-validator';
import { Actor } from '../actor';

/**
 * open → closed (commenting expired, or closed by hand) → archived (read-only);
 * hidden while the story is unpublished.
 */
export const THREAD_STATES = ['open', 'closed', 'archived', 'hidden'] as const;
export type ThreadState = (typeof THREAD_STATES)[number];

/**
 * Why a thread changed. `expired`: its close or archive time came (the sweep). `manual`: a
 * moderator or editor acted (the event names them). `rescheduled`: the story's publishedAt or
 * policy moved the deadlines. `comments_imported`: an import changed the approved count;
 * `comments_changed`: anything else did (a comment approved, rejected or deleted).
 */
export const THREAD_CHANGE_REASONS = [
  'published',
  'expired',
  'manual',
  'unpublished',
  'republished',
  'rescheduled',
  'comments_imported',
  'comments_changed',
] as const;
export type ThreadChangeReason = (typeof THREAD_CHANGE_REASONS)[number];

/**
 * Every thread.* event carries the thread's whole state after the change. `seq` grows by one
 * per change of a thread, so a projection applies an event only when its seq is newer.
 */
export class ThreadChangedPayload {
  @IsUUID()
  articleId: string;

  @IsInt()
  @Min(1)
  seq: number;

  @IsIn(THREAD_STATES)
  state: ThreadState;

  @IsIn(THREAD_CHANGE_REASONS)
  reason: ThreadChangeReason;

  @Type(() => Date)
  @IsDate()
  closesAt: Date;

  @Type(() => Date)
  @IsDate()
  archivesAt: Date;

  @Type(() => Date)
  @IsDate()
  changedAt: Date;

  @IsOptional()
  @ValidateNested()
  @Type(() => Actor)
  actor?: Actor;

  @IsOptional()
  @IsString()
  @Length(1, 1000)
  note?: string;

  /**
   * Approved comments in the thread after the change. Always set by the comments service;
   * optional only so events recorded before it existed still validate.
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  commentCount?: number;
}
