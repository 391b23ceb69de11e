import { DomainError, UserSanctionPayload } from '@app/contracts';
import { CommentsConfig } from '../comments.config';
import { ReaderDocument, ReaderSanction } from './reader.schema';
import { ReadersRepository } from './readers.repository';
import { ReadersService } from './readers.service';

const sanction = (kind: 'ban' | 'suspend' | 'premoderate' | 'warn', extra: Partial<ReaderSanction> = {}): ReaderSanction => ({
  sanctionId: `s-${kind}`,
  kind,
  reason: 'abuse',
  lifted: false,
  ...extra,
});

/** The readers collection in memory, counting what the service reads. */
class MemoryReaders {
  readonly docs = new Map<string, ReaderDocument>();
  byId = 0;
  all = 0;
  failing = false;
  constructor(readers: ReaderDocument[] = []) {
    for (const reader of readers) this.docs.set(reader._id, structuredClone(reader));
  }
  async findById(id: string) {
    this.byId++;
    if (this.failing) throw new Error('database away');
    return structuredClone(this.docs.get(id) ?? null);
  }
  async findAll() {
    this.all++;
    if (this.failing) throw new Error('database away');
    return structuredClone([...this.docs.values()]);
  }
  async addSanction(readerId: string, added: ReaderSanction) {
    const reader = this.docs.get(readerId) ?? { _id: readerId, sanctions: [] };
    if (!reader.sanctions.some((s) => s.sanctionId === added.sanctionId)) reader.sanctions.push(added);
    this.docs.set(readerId, reader);
  }
  async liftSanction(readerId: string, lifted: ReaderSanction) {
    const known = this.docs.get(readerId)?.sanctions.find((s) => s.sanctionId === lifted.sanctionId);
    if (known) known.lifted = true;
    else await this.addSanction(readerId, { ...lifted, lifted: true });
  }
}

function setup(readers: ReaderDocument[] = [], refreshMs = 1_000) {
  const memory = new MemoryReaders(readers);
  const config = Object.assign(new CommentsConfig(), { READER_SANCTIONS_REFRESH_MS: refreshMs });
  return { memory, service: new ReadersService(memory as unknown as ReadersRepository, config) };
}

const codeOf = (work: Promise<unknown>) =>
  work.then(
    () => 'may post',
    (error: DomainError) => error.code,
  );

const event = (kind: 'ban' | 'suspend', sanctionId: string, until?: Date): UserSanctionPayload => ({
  userId: 'r1',
  sanctionId,
  kind,
  ...(until ? { until } : {}),
  reason: 'abuse',
  by: { id: 'mod-1', name: 'Mona', roles: ['moderator'] },
  at: new Date(),
});

describe('ReadersService.assertMayPost', () => {
  const now = new Date('2026-01-01T00:00:00Z');

  describe('reading the reader (no snapshot loaded yet)', () => {
    it('lets a reader without sanctions post', async () => {
      const { service, memory } = setup();
      await expect(service.assertMayPost('r1', now)).resolves.toEqual([]);
      expect(memory.byId).toBe(1);
    });

    it('refuses a banned reader', async () => {
      const { service } = setup([{ _id: 'r1', sanctions: [sanction('ban')] }]);
      await expect(service.assertMayPost('r1', now)).rejects.toMatchObject({ code: 'reader_banned', kind: 'forbidden' });
    });

    it('refuses a suspended reader and says until when', async () => {
      const until = new Date('2026-01-02T00:00:00Z');
      const error = await setup([{ _id: 'r1', sanctions: [sanction('suspend', { until })] }])
        .service.assertMayPost('r1', now)
        .catch((e) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error.details).toMatchObject({ until: until.toISOString() });
      expect(error.message).toContain('2026-01-02');
    });

    it('ignores lifted, expired and pre-moderation sanctions', async () => {
      const reader = {
        _id: 'r1',
        sanctions: [sanction('ban', { lifted: true }), sanction('suspend', { until: new Date('2025-12-31T00:00:00Z') }), sanction('premoderate')],
      };
      await expect(setup([reader]).service.assertMayPost('r1', now)).resolves.toEqual([]);
    });

    it("lets a warned reader post, and the post carries the warnings not acknowledged yet", async () => {
      const at = new Date('2025-12-31T12:00:00Z');
      const reader = { _id: 'r1', sanctions: [sanction('warn', { sanctionId: 'w1', reason: 'keep it civil', at }), sanction('warn', { sanctionId: 'w0', lifted: true })] };
      await expect(setup([reader]).service.assertMayPost('r1', now)).resolves.toEqual([{ id: 'w1', reason: 'keep it civil', at: at.toISOString() }]);
    });

    it('lets no post through when the reader cannot be read', async () => {
      const { service, memory } = setup();
      memory.failing = true;
      await expect(service.assertMayPost('r1', now)).rejects.toThrow('database away');
    });
  });

  describe('from the snapshot of every sanctioned reader', () => {
    beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
    afterEach(() => jest.useRealTimers());

    it('answers without reading once the snapshot is loaded, and stops reloading on shutdown', async () => {
      const { service, memory } = setup([
        { _id: 'banned', sanctions: [sanction('ban')] },
        { _id: 'forgiven', sanctions: [sanction('ban', { lifted: true })] },
      ]);
      service.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(0);
      expect(memory.all).toBe(1);
      expect(await codeOf(service.assertMayPost('banned'))).toBe('reader_banned');
      expect(await codeOf(service.assertMayPost('forgiven'))).toBe('may post');
      expect(await codeOf(service.assertMayPost('anyone-else'))).toBe('may post');
      expect(memory.byId).toBe(0);

      await jest.advanceTimersByTimeAsync(3_000);
      expect(memory.all).toBe(4); // one query per READER_SANCTIONS_REFRESH_MS
      service.onApplicationShutdown();
      await jest.advanceTimersByTimeAsync(10_000);
      expect(memory.all).toBe(4);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('sees a sanction it records or lifts at the next post, without waiting for the timer', async () => {
      const { service, memory } = setup();
      service.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(0);
      await service.recordSanction(event('ban', 'b1'));
      expect(await codeOf(service.assertMayPost('r1'))).toBe('reader_banned');
      await service.liftSanction(event('ban', 'b1'));
      expect(await codeOf(service.assertMayPost('r1'))).toBe('may post');
      expect(memory.byId).toBe(0);
      expect(memory.all).toBe(3); // the first load, and one after each write
      service.onApplicationShutdown();
    });

    it('ends a suspension by the clock at the check, not at the load', async () => {
      const { service, memory } = setup([{ _id: 'r1', sanctions: [sanction('suspend', { until: new Date(Date.now() + 1_500) })] }], 60_000);
      service.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(0);
      expect(await codeOf(service.assertMayPost('r1'))).toBe('reader_suspended');
      await jest.advanceTimersByTimeAsync(1_501);
      expect(memory.all).toBe(1); // no reload in between: the snapshot still holds the suspension
      expect(await codeOf(service.assertMayPost('r1'))).toBe('may post');
      expect(memory.byId).toBe(0);
      service.onApplicationShutdown();
    });

    it('keeps answering from the last snapshot while reloads fail, up to 5 intervals, then reads the reader', async () => {
      const { service, memory } = setup([{ _id: 'r1', sanctions: [sanction('ban')] }]);
      service.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(0);
      memory.failing = true;
      await jest.advanceTimersByTimeAsync(5_000); // failed reloads; the good one is exactly 5 s old
      expect(memory.all).toBe(6);
      expect(await codeOf(service.assertMayPost('r1'))).toBe('reader_banned');
      expect(memory.byId).toBe(0);

      await jest.advanceTimersByTimeAsync(1);
      await expect(service.assertMayPost('r1')).rejects.toThrow('database away'); // the reader is read, and no post gets through
      expect(memory.byId).toBe(1);

      memory.failing = false;
      expect(await codeOf(service.assertMayPost('r1'))).toBe('reader_banned'); // read again
      expect(memory.byId).toBe(2);
      await jest.advanceTimersByTimeAsync(1_000); // a reload succeeds: back to the snapshot
      expect(await codeOf(service.assertMayPost('r1'))).toBe('reader_banned');
      expect(memory.byId).toBe(2);
      service.onApplicationShutdown();
    });
  });
});
