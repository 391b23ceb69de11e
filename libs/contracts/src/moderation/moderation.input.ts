import { NoControlCharacters } from '../validation';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDate,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { SANCTION_KINDS, SanctionKind } from './moderation.events';
import { isoDate, trim } from '../transforms';


/** What a moderator decides, and why: shared by a decision and an override. */
class ModeratorChoice {
  @IsIn(['approve', 'reject'])
  decision: 'approve' | 'reject';

  @Transform(trim)
  @IsString()
  @NoControlCharacters()
  @Length(1, 1000)
  reason: string;
}

/** POST /api/v1/moderation/comments/:id/decision. */
export class DecisionInput extends ModeratorChoice {
  /** The revision the moderator saw (queue items show it): if the author edited since, 409 revision_changed. */
  @IsOptional()
  @IsInt()
  @Min(1)
  revision?: number;
}

/**
 * POST /api/v1/moderation/comments/:id/override: reverses the case's latest decision (a rule's
 * or a colleague's). `decisionSeq` is the decision the moderator saw (verdict.seq): if another
 * decision came since, 409 decision_changed, so of two racing overrides exactly one wins.
 */
export class OverrideInput extends ModeratorChoice {
  @IsInt()
  @Min(1)
  decisionSeq: number;
}

export class BulkDecisionItem extends DecisionInput {
  @IsUUID()
  commentId: string;
}

/** POST /api/v1/moderation/decisions. */
export class BulkDecisionInput {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => BulkDecisionItem)
  decisions: BulkDecisionItem[];
}

/** POST /api/v1/moderation/users/:id/sanctions. */
export class SanctionInput {
  @IsIn(SANCTION_KINDS)
  kind: SanctionKind;

  /** Required for suspend; optional for premoderate; a ban lasts until lifted, a warning until acknowledged. */
  @IsOptional()
  @Transform(isoDate)
  @IsDate({ message: 'until must be an ISO-8601 date-time with a time zone' })
  until?: Date;

  @Transform(trim)
  @IsString()
  @NoControlCharacters()
  @Length(1, 1000)
  reason: string;
}

/** POST /api/v1/moderation/users/:id/notes. */
export class NoteInput {
  @Transform(trim)
  @IsString()
  @NoControlCharacters()
  @Length(1, 2000)
  text: string;
}

/** POST /api/v1/comments/:id/reports. */
export class ReportInput {
  @Transform(trim)
  @IsString()
  @NoControlCharacters()
  @Length(1, 500)
  reason: string;
}

export const QUEUE_STATUSES = ['held', 'reported', 'approved', 'rejected'] as const;

/** "a,b,c" (a query string) or repeated values → a list; anything else is left for the validators to refuse. */
const commaList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((v) => v.trim()) : Array.isArray(value) ? value.flatMap((v) => (typeof v === 'string' ? v.split(',') : [v])) : value;

/**
 * A desk's section of the queues: the stories "Posted to" a category, and/or a set of stories.
 * Both given: the stories of that set which are in the category.
 */
export class QueueSection {
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @NoControlCharacters()
  category?: string;

  /** Up to 50 story ids, comma-separated. */
  @IsOptional()
  @Transform(commaList)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  articleIds?: string[];
}

/** GET /api/v1/moderation/queue. */
export class QueueQuery extends QueueSection {
  @IsOptional()
  @IsIn(QUEUE_STATUSES)
  status: (typeof QUEUE_STATUSES)[number] = 'held';

  @IsOptional()
  @IsUUID()
  articleId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  @NoControlCharacters()
  authorId?: string;

  /** Text search in comment bodies (case-insensitive substring). */
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  @NoControlCharacters()
  q?: string;

  @IsOptional()
  @Transform(isoDate)
  @IsDate()
  from?: Date;

  @IsOptional()
  @Transform(isoDate)
  @IsDate()
  to?: Date;

  @IsOptional()
  @IsString()
  @Length(1, 500)
  @NoControlCharacters()
  cursor?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 50;
}
