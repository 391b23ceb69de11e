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
  const config = { KAFKA_BROKERS: ['127.0.0.1:1'], KAFKA_TOPIC_PREFIX: '', THREAD_READ_MODEL_MAX_COMMENTS: maxComments, THREAD_READ_MODEL_MAX_AGE_MS: 30_000 } as unknown as CommentsConfig;
  const model = new ThreadReadModel(repository as unknown as CommentsRepository, config, new ThreadStateCache({ maxBytes: 0, maxAgeMs: 0 }));
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

  it("patches a held story with this instance's own changes, in order, and ignores their events heard back", async () => {
    const { model, repository } = setup();
    await model.page('s', undefined, 10);
    const approved = { ...comment('n', 2), _id: 'bb', outbox: [{ id: 'ev1' }] } as CommentRecord & { outbox: unknown };
    model.applied(approved, ['ev1']);
    expect((await model.page('s', undefined, 10)).map((c) => c._id)).toEqual(['a', 'b', 'bb', 'c', 'd']);
    expect((await model.page('s', undefined, 10))[2]).not.toHaveProperty('outbox');
    model.applied({ ...comment('c', 2), status: 'rejected' } as CommentRecord, ['ev2']); // leaves the thread
    model.applied({ ...comment('a', 1), status: 'deleted', placeholder: true, body: '' } as CommentRecord, ['ev3']); // stays as a placeholder
    const listener = (model as unknown as { listener: { options: { onEvents: (events: unknown[]) => void } } }).listener.options;
    const heard = (id: string, type = 'comment.approved') => ({ key: 's', type, id, value: Buffer.from(JSON.stringify({ id, payload: {} })) });
    listener.onEvents([heard('ev1'), heard('ev2'), heard('ev3')]);
    const page = await model.page('s', undefined, 10);
    expect(page.map((c) => [c._id, c.status])).toEqual([['a', 'deleted'], ['b', 'approved'], ['bb', 'approved'], ['d', 'approved']]);
    // A thread event (a new count) changes no comment: the list stays.
    listener.onEvents([{ key: 's', type: 'thread.count_changed', id: 't1', value: Buffer.from(JSON.stringify({ id: 't1', payload: { seq: 4 } })) }]);
    await model.page('s', undefined, 10);
    expect(repository.visibleOf).toHaveBeenCalledTimes(1);
    // Someone else's change is not known here: the story is loaded again.
    listener.onEvents([heard('other')]);
    await model.page('s', undefined, 10);
    expect(repository.visibleOf).toHaveBeenCalledTimes(2);
  });

  it('does not patch a story it does not hold, nor one being loaded', async () => {
    const { model, repository } = setup();
    model.applied({ ...comment('z', 9) } as CommentRecord, ['e']);
    const loading = model.page('s', undefined, 10);
    model.applied({ ...comment('z', 9) } as CommentRecord, ['f']);
    await loading;
    await model.page('s', undefined, 10);
    expect(repository.visibleOf).toHaveBeenCalledTimes(2);
  });

  it('never serves a story list older than its maximum age, whatever the events said (a change went unheard)', async () => {
    const { model, repository, stories } = setup();
    let clock = 0;
    model.now = () => clock;
    expect((await model.page('s', undefined, 10)).map((c) => c._id)).toEqual(['a', 'b', 'c', 'd']);
    // d is rejected while the listener was stalled (SIGSTOP): its event is never heard here.
    stories.s = stories.s!.slice(0, 3);
    clock += 29_000;
    expect(await model.page('s', undefined, 10)).toHaveLength(4); // within the bound, from memory
    clock += 2_000;
    expect((await model.page('s', undefined, 10)).map((c) => c._id)).toEqual(['a', 'b', 'c']);
    expect(repository.visibleOf).toHaveBeenCalledTimes(2);
  });

  it('drops everything it holds when its listener joins its group again', async () => {
    const { model, repository, stories } = setup();
    const listener = (model as unknown as { listener: { options: { onLive: () => void; onLost: () => void } } }).listener.options;
    await model.page('s', undefined, 10);
    stories.s = stories.s!.slice(0, 3);
    listener.onLost();
    listener.onLive();
    expect((await model.page('s', undefined, 10)).map((c) => c._id)).toEqual(['a', 'b', 'c']);
    expect(repository.visibleOf).toHaveBeenCalledTimes(2);
  });
});
