import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsString, Length, Min, ValidateNested } from 'class-validator';
import { Actor } from '../actor';

/**
 * What an erasure does to a reader's comments, the newsroom's choice (COMMENTS_ERASURE_MODE):
 * remove: every comment goes (a comment others replied to stays as an empty placeholder);
 * anonymise: approved comments stay, text kept, under a neutral name and no login id; every
 * other comment (pending, held, rejected) goes.
 */
export const ERASURE_MODES = ['remove', 'anonymise'] as const;
export type ErasureMode = (typeof ERASURE_MODES)[number];

/** The name an erased reader's remaining comments (placeholders, anonymised) are shown under. */
export const ERASED_AUTHOR_NAME = 'Former reader';

/**
 * user.erased: a reader's account was erased at their request (or by an admin on their behalf);
 * their comments are already removed or anonymised, each announced as comment.deleted/.approved
 * on its story. Every service forgets the reader; the gateway refuses their tokens issued before
 * `erasedAt`. Keyed by the user id, on the comments topic (the comments service owns it).
 */
export class UserErasedPayload {
  @IsString()
  @Length(1, 200)
  userId: string;

  @IsIn(ERASURE_MODES)
  mode: ErasureMode;

  /** How many of their comments the erasure changed. */
  @IsInt()
  @Min(0)
  comments: number;

  /** The reader themself, or the admin acting for them. */
  @ValidateNested()
  @Type(() => Actor)
  by: Actor;

  @Type(() => Date)
  @IsDate()
  erasedAt: Date;
}
