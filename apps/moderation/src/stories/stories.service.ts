import { Injectable } from '@nestjs/common';
import { ArticleSnapshotPayload, ArticleUnpublishedPayload } from '@app/contracts';
import { ShortLivedCache } from '../cache/short-lived-cache';
import { ModerationConfig } from '../moderation.config';
import { StoryDocument } from './story.schema';
import { StoriesRepository } from './stories.repository';

@Injectable()
export class StoriesService {
  /** Every review reads its story; a story changes rarely, and only through this service. */
  private readonly cache: ShortLivedCache<string, StoryDocument>;

  constructor(
    private readonly repository: StoriesRepository,
    config: ModerationConfig,
  ) {
    // A story as JSON in UTF-16: what its strings take at most.
    this.cache = new ShortLivedCache({ ttlMs: config.MODERATION_CACHE_TTL_MS, maxBytes: config.MODERATION_CACHE_MAX_BYTES, sizeOf: (story) => 64 + JSON.stringify(story).length * 2 });
  }

  async record(article: ArticleSnapshotPayload): Promise<void> {
    try {
      await this.repository.saveRevision({
        _id: article.articleId,
        revision: article.revision,
        slug: article.slug,
        title: article.title,
        preModeration: article.commentPolicy.preModeration,
        published: true,
        categories: article.categories ?? [],
      });
    } finally {
      this.cache.invalidate(article.articleId);
    }
  }

  /**
   * What moderation knows of a story; null when no event about it has arrived yet (never cached:
   * a review waits for it). Served from memory for up to MODERATION_CACHE_TTL_MS.
   */
  find(id: string): Promise<StoryDocument | null> {
    return this.cache.get(id, () => this.repository.findById(id));
  }

  async findMany(ids: string[]): Promise<Map<string, StoryDocument>> {
    const stories = await this.repository.findMany([...new Set(ids)]);
    return new Map(stories.map((story) => [story._id, story]));
  }

  /** The ids of the stories in a category ("Posted to"), for a section's queue. */
  idsInCategory(category: string): Promise<string[]> {
    return this.repository.idsInCategory(category);
  }

  async recordUnpublished(article: ArticleUnpublishedPayload): Promise<void> {
    try {
      const story = await this.repository.findById(article.articleId);
      if (!story || story.revision >= article.revision) return;
      await this.repository.saveRevision({ ...story, revision: article.revision, published: false });
    } finally {
      this.cache.invalidate(article.articleId);
    }
  }
}
