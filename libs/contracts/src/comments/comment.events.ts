import { Transform, Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';

export const COMMENT_STATUSES = ['pending', 'held', 'approved', 'rejected', 'deleted'] as const;
export type CommentStatus = (typeof COMMENT_STATUSES)[number];

/** Imported comments: from our own JSON (`import`) or converted from another platform's export. */
export const IMPORT_SOURCES = ['import', 'import:disqus', 'import:wordpress'] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];
export const COMMENT_SOURCES = [...IMPORT_SOURCES, 'reader'] as const;
export type CommentSource = (typeof COMMENT_SOURCES)[number];

/** Who wrote a comment: a reader's login id (absent for imported comments) and the name shown. */
export class CommentAuthor {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  id?: string;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 200)
  name: string;
}

/**
 * comment.imported: one comment moved in from another system, stored approved. Keyed by the
 * story id, like every event about a story. The thread's new count follows as thread.count_changed.
 */
export class CommentImportedPayload {
  @IsUUID()
  commentId: string;

  @IsUUID()
  articleId: string;

  @IsString()
  @Length(1, 200)
  externalId: string;

  @ValidateNested()
  @Type(() => CommentAuthor)
  author: CommentAuthor;

  @IsString()
  @Length(1, 20_000)
  body: string;

  @Type(() => Date)
  @IsDate()
  postedAt: Date;

  @IsIn(COMMENT_STATUSES)
  status: CommentStatus;

  @IsIn(COMMENT_SOURCES)
  source: CommentSource;
}

/**
 * Whether an event on the comments topic can change what a thread read shows. Every change of a
 * story's thread or of its visible comments can; a submission cannot (a pending comment is not in
 * the thread), nor a reader's erasure (keyed by the reader: its comments' own events, keyed by
 * their stories, follow it). Caches of thread reads (the gateway's, the comments read model) drop on these.
 */
export const changesThreadRead = (type: string | null): boolean => type !== 'comment.submitted' && type !== 'user.erased';
