import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { outboxRelayProvider } from '@app/kafka';
import { SANCTION_ENTRY_MODEL, SanctionEntrySchema } from './sanction.schema';
import { SanctionsRepository } from './sanctions.repository';
import { SANCTIONS_OUTBOX, SanctionsService } from './sanctions.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: SANCTION_ENTRY_MODEL, schema: SanctionEntrySchema }])],
  providers: [
    SanctionsRepository,
    SanctionsService,
    outboxRelayProvider(SANCTIONS_OUTBOX, 'sanctions', SanctionsRepository),
  ],
  exports: [SanctionsService],
})
export class SanctionsModule {}
