import { ERASED_AUTHOR_NAME } from '@app/contracts';
import { erasureOrder, planErasure } from './erasure.rules';

const author = { id: 'reader-1', name: 'Ada' };

describe('planErasure', () => {
  it('remove: an approved comment leaves the thread, its text and name gone, and the count moves', () => {
    const plan = planErasure({ status: 'approved', author }, 'remove', false);
    expect(plan).toEqual({
      set: expect.objectContaining({ body: '', status: 'deleted', placeholder: false, author: { name: ERASED_AUTHOR_NAME } }),
      event: 'comment.deleted',
      countMoved: true,
    });
    expect(plan.set.author).not.toHaveProperty('id');
  });

  it('remove: a comment others replied to stays as an empty placeholder', () => {
    expect(planErasure({ status: 'approved', author }, 'remove', true).set).toMatchObject({ placeholder: true, body: '' });
  });

  it.each(['pending', 'held', 'rejected'] as const)('removes a %s comment in either mode, without moving the count', (status) => {
    for (const mode of ['remove', 'anonymise'] as const) {
      const plan = planErasure({ status, author }, mode, false);
      expect(plan).toMatchObject({ event: 'comment.deleted', countMoved: false, set: { status: 'deleted', body: '' } });
    }
  });

  it('anonymise: an approved comment keeps its text under the neutral name, re-announced as approved', () => {
    const plan = planErasure({ status: 'approved', author }, 'anonymise', false);
    expect(plan).toEqual({ set: { author: { name: ERASED_AUTHOR_NAME } }, event: 'comment.approved', countMoved: false });
  });

  it('a comment deleted before only loses the name and the id: nothing readers see changes', () => {
    expect(planErasure({ status: 'deleted', author }, 'remove', true)).toEqual({ set: { author: { name: ERASED_AUTHOR_NAME }, body: '' }, event: null, countMoved: false });
  });
});

describe('erasureOrder', () => {
  it('erases replies before the comments they answer (newest first)', () => {
    const parent = { id: 'p', postedAt: new Date('2026-01-01T10:00:00Z') };
    const reply = { id: 'r', postedAt: new Date('2026-01-01T10:05:00Z') };
    expect(erasureOrder([parent, reply]).map((c) => c.id)).toEqual(['r', 'p']);
  });
});
