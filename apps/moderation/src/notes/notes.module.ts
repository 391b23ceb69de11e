import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ServiceConfig } from '@app/config';
import { EventPublisher, OutboxRelay } from '@app/kafka';
import { NOTE_MODEL, NoteSchema } from './note.schema';
import { NotesRepository } from './notes.repository';
import { NOTES_OUTBOX, NotesService } from './notes.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: NOTE_MODEL, schema: NoteSchema }])],
  providers: [
    NotesRepository,
    NotesService,
    {
      provide: NOTES_OUTBOX,
      inject: [EventPublisher, NotesRepository, ServiceConfig],
      useFactory: (publisher: EventPublisher, repository: NotesRepository, config: ServiceConfig) =>
        new OutboxRelay('notes', publisher, repository.outboxStore, { pollMs: config.OUTBOX_POLL_MS, batchSize: config.OUTBOX_POLL_LIMIT }),
    },
  ],
  exports: [NotesService],
})
export class NotesModule {}
