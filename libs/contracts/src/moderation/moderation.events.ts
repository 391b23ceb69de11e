import { Transform, Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Min, ValidateNested } from 'class-validator';
import { Actor } from '../actor';

export const DECISIONS = ['approve', 'hold', 'reject'] as const;
export type ModerationDecision = (typeof DECISIONS)[number];

/**
 * moderation.decided: a verdict on one revision of a comment, by the automatic rules (`rule`
 * names which) or by a moderator (`moderator`), always with the reason shown to the author and
 * in the audit trail. Keyed by the story id.
 */
export class ModerationDecidedPayload {
  @IsUUID()
  commentId: string;

  @IsUUID()
  articleId: string;

  @IsInt()
  @Min(1)
  revision: number;

  @IsIn(DECISIONS)
  decision: ModerationDecision;

  /** The rule that decided, e.g. banned_words; "moderator" for a human decision. */
  @IsString()
  @Length(1, 100)
  rule: string;

  @IsString()
  @Length(1, 1000)
  reason: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => Actor)
  moderator?: Actor;

  @Type(() => Date)
  @IsDate()
  decidedAt: Date;

  /**
   * The decision's number in the case's journal (1, 2, …): decisions on a comment apply in this
   * order. Absent on events from before it was carried.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  decisionSeq?: number;

  /** Set when a moderator reversed an earlier decision: that decision's seq. */
  @IsOptional()
  @IsInt()
  @Min(1)
  overrides?: number;
}

/**
 * ban and suspend stop posting; premoderate holds every post for a human; warn stops nothing: the
 * reader is told on each post until they acknowledge it (which lifts it, by the reader).
 */
export const SANCTION_KINDS = ['ban', 'suspend', 'premoderate', 'warn'] as const;
export type SanctionKind = (typeof SANCTION_KINDS)[number];

/** user.sanctioned / user.sanction_lifted: keyed by the user id. */
export class UserSanctionPayload {
  @IsString()
  @Length(1, 200)
  userId: string;

  @IsUUID()
  sanctionId: string;

  @IsIn(SANCTION_KINDS)
  kind: SanctionKind;

  /** Until when (suspensions, and optionally pre-moderation); absent = until lifted. */
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  until?: Date;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 1000)
  reason: string;

  @ValidateNested()
  @Type(() => Actor)
  by: Actor;

  @Type(() => Date)
  @IsDate()
  at: Date;
}

/** user.noted: a moderator's note on a reader (moderators only ever see it); keyed by the user id. */
export class UserNotedPayload {
  @IsString()
  @Length(1, 200)
  userId: string;

  @IsUUID()
  noteId: string;

  @IsString()
  @Length(1, 2000)
  text: string;

  @ValidateNested()
  @Type(() => Actor)
  by: Actor;

  @Type(() => Date)
  @IsDate()
  at: Date;
}

/** comment.reported: a reader flagged a comment; `reports` counts distinct readers so far. */
export class CommentReportedPayload {
  @IsUUID()
  commentId: string;

  @IsUUID()
  articleId: string;

  @IsString()
  @Length(1, 200)
  reporterId: string;

  @IsString()
  @Length(1, 500)
  reason: string;

  @IsInt()
  @Min(1)
  reports: number;

  @Type(() => Date)
  @IsDate()
  at: Date;
}
