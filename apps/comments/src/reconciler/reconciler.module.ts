import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { COMMENT_MODEL, CommentSchema } from '../comments/comment.schema';
import { ReconcilerRepository } from './reconciler.repository';
import { ReconcilerService } from './reconciler.service';

/** Re-announces comments left pending too long (see ReconcilerService). */
@Module({
  imports: [MongooseModule.forFeature([{ name: COMMENT_MODEL, schema: CommentSchema }])],
  providers: [ReconcilerRepository, ReconcilerService],
})
export class ReconcilerModule {}
