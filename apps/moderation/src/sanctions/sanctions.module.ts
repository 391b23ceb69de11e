import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ServiceConfig } from '@app/config';
import { EventPublisher, OutboxRelay } from '@app/kafka';
import { SANCTION_ENTRY_MODEL, SanctionEntrySchema } from './sanction.schema';
import { SanctionsRepository } from './sanctions.repository';
import { SANCTIONS_OUTBOX, SanctionsService } from './sanctions.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: SANCTION_ENTRY_MODEL, schema: SanctionEntrySchema }])],
  providers: [
    SanctionsRepository,
    SanctionsService,
    {
      provide: SANCTIONS_OUTBOX,
      inject: [EventPublisher, SanctionsRepository, ServiceConfig],
      useFactory: (publisher: EventPublisher, repository: SanctionsRepository, config: ServiceConfig) =>
        new OutboxRelay('sanctions', publisher, repository.outboxStore, { pollMs: config.OUTBOX_POLL_MS, batchSize: config.OUTBOX_POLL_LIMIT }),
    },
  ],
  exports: [SanctionsService],
})
export class SanctionsModule {}
