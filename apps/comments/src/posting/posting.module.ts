import { Module } from '@nestjs/common';
import { CommentsModule } from '../comments/comments.module';
import { ReadersModule } from '../readers/readers.module';
import { ThreadsModule } from '../threads/threads.module';
import { PostingConsumer } from './posting.consumer';
import { PostingController } from './posting.controller';
import { PostingService } from './posting.service';

@Module({
  imports: [CommentsModule, ThreadsModule, ReadersModule],
  controllers: [PostingController, PostingConsumer],
  providers: [PostingService],
})
export class PostingModule {}
