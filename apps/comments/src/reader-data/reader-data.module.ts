import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { outboxRelayProvider } from '@app/kafka';
import { CommentsConfig } from '../comments.config';
import { CommentsModule } from '../comments/comments.module';
import { ThreadsModule } from '../threads/threads.module';
import { ERASURE_MODEL, ErasureSchema } from './erasure.schema';
import { ReaderDataController } from './reader-data.controller';
import { ReaderDataRepository } from './reader-data.repository';
import { ERASURES_OUTBOX, ReaderDataService } from './reader-data.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: ERASURE_MODEL, schema: ErasureSchema }]), CommentsModule, ThreadsModule],
  controllers: [ReaderDataController],
  providers: [
    ReaderDataRepository,
    ReaderDataService,
    outboxRelayProvider(ERASURES_OUTBOX, 'erasures', ReaderDataRepository, CommentsConfig),
  ],
})
export class ReaderDataModule {}
