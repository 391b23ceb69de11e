import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { READER_MODEL, ReaderSchema } from './reader.schema';
import { ReadersConsumer } from './readers.consumer';
import { ReadersRepository } from './readers.repository';
import { ReadersService } from './readers.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: READER_MODEL, schema: ReaderSchema }])],
  controllers: [ReadersConsumer],
  providers: [ReadersRepository, ReadersService],
  exports: [ReadersService],
})
export class ReadersModule {}
