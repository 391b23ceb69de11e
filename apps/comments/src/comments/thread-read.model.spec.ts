import { CommentsConfig } from '../comments.config';
import { CommentRecord, CommentsRepository } from './comments.repository';
import { ThreadStateCache } from '../threads/thread-state.cache';
import { ThreadReadModel } from './thread-read.model';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
const comment = (id: string, minute: number) => ({ _id: id, articleId: 's', postedAt: at(minute), status: 'approved' }) as CommentRecord;

function setup(maxComments = 1_000) {
  const stories: Record<string, CommentRecord[]> = {
    s: [comment('a', 1), comment('b', 2), comment('c', 2), comment('d', 3)],
    t: [comment('x', 1)],
  };
  const repository = {
    visibleOf: jest.fn(async (id: string) => stories[id] ?? []),
    pageApproved: jest.fn(async () => []),
  };
  const config = { KAFKA_BROKERS: ['127.0.0.1:1'], KAFKA_TOPIC_PREFIX: '', THREAD_READ_MODEL_MAX_COMMENTS: maxComments } as unknown as CommentsConfig;
  const model = new ThreadReadModel(repository as unknown as CommentsRepository, config, new ThreadStateCache({ maxThreads: 0, maxAgeMs: 0 }));
  (model as unknown as { reset: (live: boolean) => void }).reset(true);
  return { model, repository, stories };
}

describe('ThreadReadModel', () => {
  it('serves pages by cursor position from one load of the story', async () => {
    const { model, repository } = setup();
    expect((await model.page('s', undefined, 2)).map((c) => c._id)).toEqual(['a', 'b']);
    expect((await model.page('s', { postedAt: at(2), id: 'b' }, 2)).map((c) => c._id)).toEqual(['c', 'd']);
    expect(await model.page('s', { postedAt: at(3), id: 'd' }, 2)).toEqual([]);
    expect(repository.visibleOf).toHaveBeenCalledTimes(1);
  });

  it('loads the story again after a change, and never keeps a load that a change overtook', async () => {
    const { model, repository, stories } = setup();
    await model.page('s', undefined, 10);
    model.forget('s');
    stories.s = [...stories.s, comment('e', 4)];
    const during = model.page('s', undefined, 10);
    model.forget('s'); // a change lands while it loads
    expect((await during).map((c) => c._id)).toContain('e');
    await model.page('s', undefined, 10);
    expect(repository.visibleOf).toHaveBeenCalledTimes(3);
  });

  it('holds at most the configured number of comments, dropping the least recently read story', async () => {
    const { model, repository } = setup(4);
    await model.page('s', undefined, 10);
    await model.page('t', undefined, 10); // 5 held: s (read before t) goes
    await model.page('t', undefined, 10);
    await model.page('s', undefined, 10);
    expect(repository.visibleOf).toHaveBeenCalledTimes(3);
  });

  it('reads pages from the database while its listener is not live', async () => {
    const { model, repository } = setup();
    (model as unknown as { reset: (live: boolean) => void }).reset(false);
    await model.page('s', undefined, 10);
    expect(repository.pageApproved).toHaveBeenCalledTimes(1);
    expect(repository.visibleOf).not.toHaveBeenCalled();
  });
});
