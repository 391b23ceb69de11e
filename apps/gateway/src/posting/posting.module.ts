import { Module } from '@nestjs/common';
import { PostingController } from './posting.controller';

@Module({ controllers: [PostingController] })
export class PostingModule {}
