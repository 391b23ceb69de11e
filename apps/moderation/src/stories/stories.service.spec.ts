import { ArticleSnapshotPayload } from '@app/contracts';
import { ModerationConfig } from '../moderation.config';
import { StoryDocument } from './story.schema';
import { StoriesRepository } from './stories.repository';
import { StoriesService } from './stories.service';

/** The stories collection in memory, counting the reads that reach it. */
class MemoryStories {
  readonly docs = new Map<string, StoryDocument>();
  reads = 0;
  async saveRevision(story: StoryDocument) {
    const stored = this.docs.get(story._id);
    if (!stored || stored.revision < story.revision) this.docs.set(story._id, { ...story });
  }
  async findById(id: string) {
    this.reads++;
    return this.docs.get(id) ?? null;
  }
}

const article = (revision: number, preModeration: boolean): ArticleSnapshotPayload =>
  ({ articleId: 'story-1', revision, slug: 'a-story', title: 'A story', commentPolicy: { preModeration } }) as unknown as ArticleSnapshotPayload;

function setup() {
  const memory = new MemoryStories();
  const config = Object.assign(new ModerationConfig(), { MODERATION_CACHE_TTL_MS: 60_000 });
  return { memory, service: new StoriesService(memory as unknown as StoriesRepository, config) };
}

describe('StoriesService', () => {
  it('serves a known story from memory and sees its own updates at once', async () => {
    const { service, memory } = setup();
    await service.record(article(1, false));
    expect(await service.find('story-1')).toMatchObject({ revision: 1, preModeration: false });
    expect(await service.find('story-1')).toMatchObject({ revision: 1 });
    expect(memory.reads).toBe(1);

    await service.record(article(2, true));
    expect(await service.find('story-1')).toMatchObject({ revision: 2, preModeration: true });
    await service.recordUnpublished({ articleId: 'story-1', revision: 3 } as never);
    expect(await service.find('story-1')).toMatchObject({ revision: 3, published: false });
  });

  it('asks again for a story it has not heard of: a review waits for its event', async () => {
    const { service, memory } = setup();
    expect(await service.find('story-1')).toBeNull();
    memory.docs.set('story-1', { _id: 'story-1', revision: 1, slug: 'a-story', title: 'A story', preModeration: false, published: true });
    expect(await service.find('story-1')).toMatchObject({ revision: 1 });
    expect(memory.reads).toBe(2);
  });
});
