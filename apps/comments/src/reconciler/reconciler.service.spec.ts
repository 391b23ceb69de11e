import { reviewEventId } from '../posting/comment-id';
import { EventEnvelope } from '@app/contracts';
import { EventPublisher } from '@app/kafka';
import { CommentsConfig } from '../comments.config';
import { PendingComment, ReconcilerRepository } from './reconciler.repository';
import { ReconcilerService } from './reconciler.service';

const now = new Date('2026-01-01T12:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const pending = (id: string, postedMinutesAgo: number, extra: Partial<PendingComment> = {}): PendingComment => ({
  _id: id,
  articleId: 'story-1',
  author: { id: 'reader-1', name: 'Ann' },
  body: `comment ${id}`,
  revision: 1,
  postedAt: minutesAgo(postedMinutesAgo),
  ...extra,
});

function setup(comments: PendingComment[]) {
  const published: EventEnvelope<unknown>[] = [];
  const repository = { findPending: async (limit: number) => comments.slice(0, limit) };
  const publisher = { publish: async (events: EventEnvelope<unknown>[]) => void published.push(...events) };
  const config = Object.assign(new CommentsConfig(), { COMMENTS_PENDING_MAX_AGE_MS: 10 * 60_000 });
  const service = new ReconcilerService(repository as unknown as ReconcilerRepository, publisher as unknown as EventPublisher, config);
  return { service, published };
}

describe('ReconcilerService', () => {
  it('announces again the revision of each comment pending longer than the bound, as posting or editing did', async () => {
    const { service, published } = setup([
      pending('old', 60),
      pending('edited-late', 60, { revision: 2, editedAt: minutesAgo(2) }),
      pending('edited-long-ago', 90, { revision: 3, editedAt: minutesAgo(30), parentId: 'p1' }),
      pending('fresh', 1),
    ]);
    expect(await service.pass(now)).toBe(2);
    expect(published.map((e) => [e.type, (e.payload as { commentId: string }).commentId, (e.payload as { revision: number }).revision])).toEqual([
      ['comment.submitted', 'old', 1],
      ['comment.edited', 'edited-long-ago', 3],
    ]);
    expect(published[1]).toMatchObject({ key: 'story-1', payload: { parentId: 'p1', at: minutesAgo(30), author: { id: 'reader-1', name: 'Ann' } } });
    // The revision's own event id, as posting and editing gave it: announced again, not announced twice.
    expect(published.map((e) => e.id)).toEqual([reviewEventId('old', 1), reviewEventId('edited-long-ago', 3)]);
  });

  it('announces nothing when every pending comment is within the bound', async () => {
    const { service, published } = setup([pending('fresh', 3)]);
    expect(await service.pass(now)).toBe(0);
    expect(published).toEqual([]);
  });
});
