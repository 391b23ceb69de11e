import { Injectable } from '@nestjs/common';
import { ArticleSnapshotPayload, ArticleUnpublishedPayload } from '@app/contracts';
import { StoryDocument } from './story.schema';
import { StoriesRepository } from './stories.repository';

@Injectable()
export class StoriesService {
  constructor(private readonly repository: StoriesRepository) {}

  record(article: ArticleSnapshotPayload): Promise<void> {
    return this.repository.saveRevision({
      _id: article.articleId,
      revision: article.revision,
      slug: article.slug,
      title: article.title,
      preModeration: article.commentPolicy.preModeration,
      published: true,
    });
  }

  /** What moderation knows of a story; null when no event about it has arrived yet. */
  find(id: string): Promise<StoryDocument | null> {
    return this.repository.findById(id);
  }

  async findMany(ids: string[]): Promise<Map<string, StoryDocument>> {
    const stories = await this.repository.findMany([...new Set(ids)]);
    return new Map(stories.map((story) => [story._id, story]));
  }

  async recordUnpublished(article: ArticleUnpublishedPayload): Promise<void> {
    const story = await this.repository.findById(article.articleId);
    if (!story || story.revision >= article.revision) return;
    await this.repository.saveRevision({ ...story, revision: article.revision, published: false });
  }
}
