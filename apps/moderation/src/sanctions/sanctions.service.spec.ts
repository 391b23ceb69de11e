import { Actor, DomainError, EventEnvelope, SanctionInput } from '@app/contracts';
import { OutboxRelay } from '@app/kafka';
import { ModerationConfig } from '../moderation.config';
import { SanctionEntryDocument } from './sanction.schema';
import { SanctionsRepository } from './sanctions.repository';
import { SanctionsService } from './sanctions.service';

/** The journal in memory: an insert with a taken _id fails, as the unique _id makes it in the database. */
class MemorySanctions {
  readonly docs: SanctionEntryDocument[] = [];
  async insert(entry: SanctionEntryDocument) {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.docs.some((d) => d._id === entry._id)) return false;
    this.docs.push(entry);
    return true;
  }
  async ofSanction(sanctionId: string) {
    await new Promise((resolve) => setImmediate(resolve));
    return this.docs.filter((d) => d.sanctionId === sanctionId);
  }
  /** Per-user reads (one query per user), whole-journal loads, and whether the database answers. */
  reads = 0;
  loads = 0;
  failing = false;
  async ofUsers(userIds: string[]) {
    this.reads += userIds.length;
    if (this.failing) throw new Error('database away');
    return this.docs.filter((d) => userIds.includes(d.userId));
  }
  async findAll() {
    this.loads++;
    if (this.failing) throw new Error('database away');
    return [...this.docs];
  }
}

const mona: Actor = { id: 'mod-1', name: 'Mona Moderator', roles: ['moderator'] };
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000);

function setup(refreshMs = 1_000) {
  const memory = new MemorySanctions();
  const published: EventEnvelope<unknown>[] = [];
  const relay = { publishSoon: ({ events }: { events: EventEnvelope<unknown>[] }) => published.push(...events) };
  const config = Object.assign(new ModerationConfig(), { MODERATION_SANCTIONS_REFRESH_MS: refreshMs });
  return { memory, published, service: new SanctionsService(memory as unknown as SanctionsRepository, config, relay as unknown as OutboxRelay) };
}

const codeOf = async (work: Promise<unknown>) =>
  work.then(
    () => 'no error',
    (error: DomainError) => error.code,
  );

describe('SanctionsService', () => {
  it('imposes a sanction and announces it keyed by the user', async () => {
    const { service, published } = setup();
    const sanction = await service.impose('ann', { kind: 'suspend', until: inHours(24), reason: 'flame war' }, mona);
    expect(sanction).toMatchObject({ userId: 'ann', kind: 'suspend', status: 'active', by: { id: 'mod-1', name: 'Mona Moderator' } });
    expect(published).toEqual([
      expect.objectContaining({ type: 'user.sanctioned', key: 'ann', payload: expect.objectContaining({ sanctionId: sanction.id, kind: 'suspend', reason: 'flame war', by: mona }) }),
    ]);
    expect([...(await service.activeFor(['ann', 'bob'])).keys()]).toEqual(['ann']);
  });

  it.each([
    ['a suspension without an end', { kind: 'suspend', reason: 'x' }, 'until_required'],
    ['a ban with an end', { kind: 'ban', until: inHours(1), reason: 'x' }, 'until_not_allowed'],
    ['an end in the past', { kind: 'premoderate', until: inHours(-1), reason: 'x' }, 'until_in_past'],
    ['a warning with an end', { kind: 'warn', until: inHours(1), reason: 'x' }, 'until_not_allowed'],
  ])('refuses %s, storing nothing', async (_name, input, code) => {
    const { service, memory, published } = setup();
    expect(await codeOf(service.impose('ann', input as SanctionInput, mona))).toBe(code);
    expect(memory.docs).toEqual([]);
    expect(published).toEqual([]);
  });

  it('lifts a sanction once, even when two moderators lift it at the same moment', async () => {
    const { service, published } = setup();
    const { id } = await service.impose('ann', { kind: 'ban', reason: 'spam bot' }, mona);
    const outcomes = await Promise.all([service.lift('ann', id, mona), service.lift('ann', id, mona)].map((p) => codeOf(p)));
    expect(outcomes.sort()).toEqual(['no error', 'sanction_already_lifted']);
    expect(published.map((e) => e.type)).toEqual(['user.sanctioned', 'user.sanction_lifted']);
    expect((await service.listFor('ann'))[0]).toMatchObject({ status: 'lifted', lifted: { by: { id: 'mod-1' } } });
    expect(await service.activeFor(['ann'])).toEqual(new Map());
    expect(await codeOf(service.lift('bob', id, mona))).toBe('sanction_not_found');
  });

  it('lets only the warned reader acknowledge a warning, once (again answers the same); it is then acknowledged, not lifted', async () => {
    const { service, published } = setup();
    const ann: Actor = { id: 'ann', name: 'Ann Reader', roles: ['reader'] };
    const bob: Actor = { id: 'bob', name: 'Bob Reader', roles: ['reader'] };
    const { id } = await service.impose('ann', { kind: 'warn', reason: 'keep it civil' }, mona);
    const ban = await service.impose('ann', { kind: 'ban', reason: 'spam' }, mona);
    expect(await codeOf(service.acknowledge(id, bob))).toBe('warning_not_found');
    expect(await codeOf(service.acknowledge(ban.id, ann))).toBe('warning_not_found');
    const [first, again] = await Promise.all([service.acknowledge(id, ann), service.acknowledge(id, ann)]);
    expect(first).toMatchObject({ id, kind: 'warn', status: 'acknowledged', lifted: { by: { id: 'ann' } } });
    expect(again).toEqual(first);
    expect(published.map((e) => [e.type, e.key])).toEqual([['user.sanctioned', 'ann'], ['user.sanctioned', 'ann'], ['user.sanction_lifted', 'ann']]);
  });

  describe('the snapshot of every sanction', () => {
    // setImmediate stays real: the in-memory journal yields with it, as a database call would.
    beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), doNotFake: ['setImmediate'] }));
    afterEach(() => jest.useRealTimers());

    it('reads each author before the first load, and nobody once it is loaded; stops reloading on shutdown', async () => {
      const { service, memory } = setup();
      expect(await service.activeFor(['ann', 'bob'])).toEqual(new Map());
      expect(memory.reads).toBe(2);

      service.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(0);
      await service.impose('ann', { kind: 'ban', reason: 'spam bot' }, mona);
      expect([...(await service.activeFor(['ann', 'bob', 'ann'])).keys()]).toEqual(['ann']);
      expect((await service.activeFor(['ann'])).get('ann')).toEqual([expect.objectContaining({ kind: 'ban', status: 'active' })]);
      expect(memory.reads).toBe(2);
      expect(memory.loads).toBe(2); // the first, and one after the imposing
      await jest.advanceTimersByTimeAsync(2_000);
      expect(memory.loads).toBe(4); // one query per MODERATION_SANCTIONS_REFRESH_MS

      service.onApplicationShutdown();
      await jest.advanceTimersByTimeAsync(10_000);
      expect(memory.loads).toBe(4);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('sees its own imposing and lifting at once, without waiting for the timer', async () => {
      const { service, memory } = setup(60_000);
      service.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(0);
      expect(await service.activeFor(['ann'])).toEqual(new Map());

      const { id } = await service.impose('ann', { kind: 'premoderate', reason: 'flame war' }, mona);
      expect((await service.activeFor(['ann'])).get('ann')).toEqual([expect.objectContaining({ id, status: 'active' })]);
      await service.lift('ann', id, mona);
      expect(await service.activeFor(['ann'])).toEqual(new Map());
      expect(memory.reads).toBe(0);
      expect(memory.loads).toBe(3); // the first, and one after each write
      service.onApplicationShutdown();
    });

    it('ends a suspension by the clock at the review, not at the load', async () => {
      const { service, memory } = setup(60_000);
      service.onApplicationBootstrap();
      await service.impose('ann', { kind: 'suspend', until: new Date(Date.now() + 200), reason: 'cool off' }, mona);
      expect((await service.activeFor(['ann'])).has('ann')).toBe(true);
      await jest.advanceTimersByTimeAsync(250);
      expect(await service.activeFor(['ann'])).toEqual(new Map());
      expect(memory.loads).toBe(2); // no reload since the suspension was loaded
      expect(memory.reads).toBe(0);
      service.onApplicationShutdown();
    });

    it('keeps the last snapshot while reloads fail, up to 5 intervals; then reads the authors, holding nothing back on an error', async () => {
      const { service, memory } = setup();
      service.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(0);
      await service.impose('ann', { kind: 'ban', reason: 'spam bot' }, mona); // reloads at once
      memory.failing = true;
      await jest.advanceTimersByTimeAsync(5_000);
      expect(memory.loads).toBe(7); // two good ones, then 5 failing
      expect((await service.activeFor(['ann'])).has('ann')).toBe(true);
      expect(memory.reads).toBe(0);

      await jest.advanceTimersByTimeAsync(1);
      await expect(service.activeFor(['ann'])).rejects.toThrow('database away'); // a review fails and is retried; it is not approved blind
      expect(memory.reads).toBe(1);
      memory.failing = false;
      expect((await service.activeFor(['ann'])).has('ann')).toBe(true);
      expect(memory.reads).toBe(2);
      service.onApplicationShutdown();
    });
  });
});
