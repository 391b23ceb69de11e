import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { NotesModule } from '../notes/notes.module';
import { ErasuresConsumer } from './erasures.consumer';
import { ErasuresService } from './erasures.service';

@Module({
  imports: [CasesModule, NotesModule],
  controllers: [ErasuresConsumer],
  providers: [ErasuresService],
})
export class ErasuresModule {}
