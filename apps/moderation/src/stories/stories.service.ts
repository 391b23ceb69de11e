import { Injectable } from '@nestjs/common';
import { ArticleSnapshotPayload, ArticleUnpublishedPayload } from '@app/contracts';
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

  async recordUnpublished(article: ArticleUnpublishedPayload): Promise<void> {
    const story = await this.repository.findById(article.articleId);
    if (!story || story.revision >= article.revision) return;
    await this.repository.saveRevision({ ...story, revision: article.revision, published: false });
  }
}
