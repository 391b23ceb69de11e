import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { outboxRelayProvider } from '@app/kafka';
import { NOTE_MODEL, NoteSchema } from './note.schema';
import { NotesRepository } from './notes.repository';
import { NOTES_OUTBOX, NotesService } from './notes.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: NOTE_MODEL, schema: NoteSchema }])],
  providers: [
    NotesRepository,
    NotesService,
    outboxRelayProvider(NOTES_OUTBOX, 'notes', NotesRepository),
  ],
  exports: [NotesService],
})
export class NotesModule {}
