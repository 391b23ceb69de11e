import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length } from 'class-validator';

/** POST …/thread/close | reopen | archive: why, for the audit trail and the event. */
export class ThreadActionInput {
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 1000)
  reason?: string;
}

export const THREAD_ACTIONS = ['close', 'reopen', 'archive'] as const;
export type ThreadAction = (typeof THREAD_ACTIONS)[number];
