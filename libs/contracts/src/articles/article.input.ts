import { NoControlCharacters } from '../validation';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDate,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxDate,
  Min,
  ValidateNested,
} from 'class-validator';
import { isoDate, trim, trimAll } from '../transforms';


export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Far enough ahead for embargoed stories, near enough to catch typos in the year. */
const LATEST_PUBLISHED_AT = () => new Date(Date.now() + 366 * 24 * 3600 * 1000);

/** "Christine Stuart photo" on the founding page: who took a picture, and what it shows. */
export class PhotoCredit {
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  caption?: string;
}

/** A newsroom's per-story choice; missing values take the deployment's defaults. */
export class CommentPolicyInput {
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  closeAfterDays?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(36500)
  archiveAfterDays?: number;

  @IsOptional()
  @IsBoolean()
  preModeration?: boolean;
}

/** The resolved policy every event carries: no optional fields, defaults already applied. */
export class CommentPolicy {
  @IsInt()
  @Min(0)
  @Max(3650)
  closeAfterDays: number;

  @IsInt()
  @Min(0)
  @Max(36500)
  archiveAfterDays: number;

  @IsBoolean()
  preModeration: boolean;
}

/** Story fields shared by the publish request, the update request and the article events. */
export class ArticleFields {
  @Transform(trim)
  @IsString()
  @Length(1, 300)
  title: string;

  @Transform(trim)
  @IsString()
  @Length(1, 200)
  @Matches(SLUG_PATTERN, { message: 'slug must be lowercase words joined by single hyphens' })
  slug: string;

  @Transform(trim)
  @IsString()
  @Length(1, 200)
  byline: string;

  /** "Posted to" on the page. */
  @Transform(trimAll)
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  categories: string[] = [];

  @Transform(trimAll)
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  tags: string[] = [];

  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PhotoCredit)
  photoCredits: PhotoCredit[] = [];

  @Transform(isoDate)
  @IsDate({ message: 'publishedAt must be an ISO-8601 date-time with a time zone, e.g. 2015-07-21T09:30:00Z' })
  @MaxDate(LATEST_PUBLISHED_AT, { message: 'publishedAt must not be more than a year ahead' })
  publishedAt: Date;
}

/** POST /articles. */
export class PublishArticleInput extends ArticleFields {
  @IsString()
  @Length(1, 200_000)
  body: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => CommentPolicyInput)
  commentPolicy?: CommentPolicyInput;
}

/** PATCH /articles/:id: every field optional, at least one present (checked by the service). */
export class UpdateArticleInput {
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 300)
  title?: string;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  @Matches(SLUG_PATTERN, { message: 'slug must be lowercase words joined by single hyphens' })
  slug?: string;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  byline?: string;

  @IsOptional()
  @Transform(trimAll)
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  categories?: string[];

  @IsOptional()
  @Transform(trimAll)
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  tags?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PhotoCredit)
  photoCredits?: PhotoCredit[];

  @IsOptional()
  @Transform(isoDate)
  @IsDate({ message: 'publishedAt must be an ISO-8601 date-time with a time zone, e.g. 2015-07-21T09:30:00Z' })
  @MaxDate(LATEST_PUBLISHED_AT, { message: 'publishedAt must not be more than a year ahead' })
  publishedAt?: Date;

  @IsOptional()
  @IsString()
  @Length(1, 200_000)
  body?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => CommentPolicyInput)
  commentPolicy?: CommentPolicyInput;
}

/** Stories per call of POST /articles/import. */
export const MAX_ARTICLE_IMPORT_BATCH = 500;

/**
 * POST /articles/import: stories moved in from another system, published as given (publishedAt
 * may be years ago). Idempotent by slug: a story whose slug is taken is left as it is.
 */
export class ImportArticlesInput {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ARTICLE_IMPORT_BATCH)
  @ArrayUnique((story: PublishArticleInput) => story?.slug, { message: 'each slug may appear only once per batch' })
  @ValidateNested({ each: true })
  @Type(() => PublishArticleInput)
  stories: PublishArticleInput[];
}

/** GET /articles: newest first, filtered by a category or a tag, cursor-paged. */
export class ListArticlesQuery {
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @NoControlCharacters()
  category?: string;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  @NoControlCharacters()
  tag?: string;

  @IsOptional()
  @IsString()
  @Length(1, 500)
  @NoControlCharacters()
  cursor?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
}
