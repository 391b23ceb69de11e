import { DomainError } from '@app/contracts';
import { ReaderDocument } from './reader.schema';
import { ReadersRepository } from './readers.repository';
import { ReadersService } from './readers.service';

const serviceWith = (reader: ReaderDocument | null) =>
  new ReadersService({ findById: async () => reader } as unknown as ReadersRepository);

const sanction = (kind: 'ban' | 'suspend' | 'premoderate', extra: object = {}) => ({ sanctionId: `s-${kind}`, kind, reason: 'abuse', lifted: false, ...extra });

describe('ReadersService.assertMayPost', () => {
  const now = new Date('2026-01-01T00:00:00Z');

  it('lets a reader without sanctions post', async () => {
    await expect(serviceWith(null).assertMayPost('r1', now)).resolves.toBeUndefined();
  });

  it('refuses a banned reader', async () => {
    await expect(serviceWith({ _id: 'r1', sanctions: [sanction('ban')] }).assertMayPost('r1', now)).rejects.toMatchObject({ code: 'reader_banned', kind: 'forbidden' });
  });

  it('refuses a suspended reader and says until when', async () => {
    const until = new Date('2026-01-02T00:00:00Z');
    const error = await serviceWith({ _id: 'r1', sanctions: [sanction('suspend', { until })] }).assertMayPost('r1', now).catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.details).toMatchObject({ until: until.toISOString() });
    expect(error.message).toContain('2026-01-02');
  });

  it('ignores lifted, expired and pre-moderation sanctions', async () => {
    const reader = {
      _id: 'r1',
      sanctions: [sanction('ban', { lifted: true }), sanction('suspend', { until: new Date('2025-12-31T00:00:00Z') }), sanction('premoderate')],
    };
    await expect(serviceWith(reader).assertMayPost('r1', now)).resolves.toBeUndefined();
  });
});
