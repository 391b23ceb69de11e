import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { STORY_MODEL, StorySchema } from './story.schema';
import { StoriesConsumer } from './stories.consumer';
import { StoriesRepository } from './stories.repository';
import { StoriesService } from './stories.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: STORY_MODEL, schema: StorySchema }])],
  controllers: [StoriesConsumer],
  providers: [StoriesRepository, StoriesService],
  exports: [StoriesService],
})
export class StoriesModule {}
