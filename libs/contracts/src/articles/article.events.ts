import { Type } from 'class-transformer';
import { IsDate, IsInt, IsUUID, Min, ValidateNested } from 'class-validator';
import { ArticleFields, CommentPolicy } from './article.input';

/**
 * article.published / article.updated carry a full snapshot of what other services need
 * (not the body): consumers apply a snapshot only when its revision is newer than theirs,
 * which makes them idempotent and immune to redelivery.
 */
export class ArticleSnapshotPayload extends ArticleFields {
  @IsUUID()
  articleId: string;

  @IsInt()
  @Min(1)
  revision: number;

  @ValidateNested()
  @Type(() => CommentPolicy)
  commentPolicy: CommentPolicy;
}

export class ArticlePublishedPayload extends ArticleSnapshotPayload {}

export class ArticleUpdatedPayload extends ArticleSnapshotPayload {}

export class ArticleUnpublishedPayload {
  @IsUUID()
  articleId: string;

  @IsInt()
  @Min(1)
  revision: number;

  @Type(() => Date)
  @IsDate()
  unpublishedAt: Date;
}
