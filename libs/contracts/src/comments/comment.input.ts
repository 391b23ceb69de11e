import { NoControlCharacters } from '../validation';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxDate,
  Min,
  ValidateNested,
} from 'class-validator';
import { isoDate, trim } from '../transforms';
import { IMPORT_SOURCES, ImportSource } from './comment.events';

/** A comment cannot have been posted in the future; a day of slack for clocks. */
const LATEST_POSTED_AT = () => new Date(Date.now() + 24 * 3600 * 1000);

export const MAX_IMPORT_BATCH = 1000;
export const MAX_COMMENT_BODY = 20_000;

/** One comment moved in from another system, as it appeared there. */
export class ImportedCommentInput {
  /** The comment's id in the system it comes from: what makes a repeated import a no-op. */
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  externalId: string;

  @Transform(trim)
  @IsString()
  @Length(1, 200)
  authorName: string;

  @Transform(isoDate)
  @IsDate({ message: 'postedAt must be an ISO-8601 date-time with a time zone, e.g. 2015-07-21T12:08:00Z' })
  @MaxDate(LATEST_POSTED_AT, { message: 'postedAt must not be in the future' })
  postedAt: Date;

  @Transform(trim)
  @IsString()
  @Length(1, MAX_COMMENT_BODY)
  body: string;

  /**
   * The externalId of the comment this one replies to, in the same story. It need not be in
   * this batch nor imported yet: an imported comment's id is derived from (story, externalId),
   * so the reply points at the id its parent has or will have.
   */
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  parentExternalId?: string;
}

/** POST /api/v1/articles/:id/comments/import. */
export class ImportCommentsInput {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_IMPORT_BATCH)
  @ArrayUnique((comment: ImportedCommentInput) => comment?.externalId, { message: 'each externalId may appear only once per batch' })
  @ValidateNested({ each: true })
  @Type(() => ImportedCommentInput)
  comments: ImportedCommentInput[];

  /** Where the comments come from: `import` (our own JSON, the default), `import:disqus`, `import:wordpress`. */
  @IsOptional()
  @IsIn(IMPORT_SOURCES)
  source?: ImportSource;

  /** Answer what the call would store and skip, and store nothing. */
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

/** GET /api/v1/articles/:id/comments: oldest first, cursor-paged. */
export class ListCommentsQuery {
  @IsOptional()
  @IsString()
  @Length(1, 500)
  @NoControlCharacters()
  cursor?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 50;
}
