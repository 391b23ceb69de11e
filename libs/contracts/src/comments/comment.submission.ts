import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsDate, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Min, ValidateNested } from 'class-validator';
import { Actor } from '../actor';
import { CommentAuthor } from './comment.events';
import { trim } from '../transforms';
import { NO_CONTROL_CHARACTERS } from '../validation';

/** What a reader may post at once; imported comments may be longer (see comment.input.ts). */
export const MAX_COMMENT_BODY_LENGTH = 5_000;

/** POST /api/v1/articles/:id/comments. */
export class SubmitCommentInput {
  @Transform(trim)
  @IsString()
  @Length(1, MAX_COMMENT_BODY_LENGTH)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'body must not contain control characters' })
  body: string;

  /** The comment this one replies to, in the same thread. */
  @IsOptional()
  @IsUUID()
  parentId?: string;
}

/** PATCH /api/v1/comments/:id (the author, within the edit window). */
export class EditCommentInput {
  @Transform(trim)
  @IsString()
  @Length(1, MAX_COMMENT_BODY_LENGTH)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'body must not contain control characters' })
  body: string;
}

/**
 * comment.submitted / comment.edited: a reader's text awaiting the automatic rules. `revision`
 * grows by one per edit; a decision applies to the revision it was made for.
 */
export class CommentSubmittedPayload {
  @IsUUID()
  commentId: string;

  @IsUUID()
  articleId: string;

  @IsOptional()
  @IsUUID()
  parentId?: string;

  @ValidateNested()
  @Type(() => CommentAuthor)
  author: CommentAuthor;

  @IsString()
  @Length(1, MAX_COMMENT_BODY_LENGTH)
  body: string;

  @IsInt()
  @Min(1)
  revision: number;

  @Type(() => Date)
  @IsDate()
  at: Date;
}

export const VISIBLE_STATUS_CHANGES = ['approved', 'held', 'rejected', 'deleted'] as const;
export type CommentStatusChange = (typeof VISIBLE_STATUS_CHANGES)[number];

/**
 * comment.approved / comment.held / comment.rejected / comment.deleted: the comment's status as
 * the comments service applied it, with why, and the thread's approved count after it.
 */
export class CommentStatusChangedPayload {
  @IsUUID()
  commentId: string;

  @IsUUID()
  articleId: string;

  @IsIn(VISIBLE_STATUS_CHANGES)
  status: CommentStatusChange;

  @IsInt()
  @Min(1)
  revision: number;

  @IsString()
  @Length(1, 1000)
  reason: string;

  /** Who decided: absent for the automatic rules. */
  @IsOptional()
  @ValidateNested()
  @Type(() => Actor)
  by?: Actor;

  /**
   * The thread's approved count as this change leaves it, as far as its writer knew; it may lag
   * under concurrent changes. thread.count_changed carries the exact count.
   */
  @IsInt()
  @Min(0)
  commentCount: number;

  /** Set when the change is its author's erasure (user.erased): moderation then drops the comment's text. */
  @IsOptional()
  @IsBoolean()
  erased?: boolean;

  @Type(() => Date)
  @IsDate()
  at: Date;
}
