import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { COMMENT_MODEL, CommentDocument } from '../comments/comment.schema';

/** What the reconciler needs of a pending comment: enough to announce its submission again. */
export type PendingComment = Pick<CommentDocument, '_id' | 'articleId' | 'parentId' | 'author' | 'body' | 'revision' | 'postedAt' | 'editedAt'>;

/** The reconciler's reads of the comments collection. */
@Injectable()
export class ReconcilerRepository {
  constructor(@InjectModel(COMMENT_MODEL) private readonly model: Model<CommentDocument>) {}

  /**
   * Pending comments, at most `limit`, by { status, postedAt } (an equality FerretDB pushes down;
   * pending comments are few: moderation decides each within seconds).
   */
  findPending(limit: number): Promise<PendingComment[]> {
    return this.model
      .find({ status: 'pending' }, { articleId: 1, parentId: 1, author: 1, body: 1, revision: 1, postedAt: 1, editedAt: 1 })
      .sort({ postedAt: 1 })
      .limit(limit)
      .lean<PendingComment[]>();
  }
}
