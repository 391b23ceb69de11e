import { IsIn } from 'class-validator';

/**
 * POST /api/v1/me/erasure (a reader) and POST /api/v1/users/:id/erasure (an admin for them): the
 * erasure cannot be undone, so it is asked for in words, never by a bodiless call.
 */
export class ErasureInput {
  @IsIn(['erase'])
  confirm: 'erase';
}
