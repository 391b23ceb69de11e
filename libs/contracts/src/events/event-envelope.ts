import { IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, Min } from 'class-validator';

/**
 * The one envelope every event travels in. `key` is the aggregate (story) id and the Kafka
 * message key; `id` is unique per event and is what consumers deduplicate on.
 */
export class EventEnvelope<P = Record<string, unknown>> {
  @IsUUID()
  id: string;

  @IsString()
  @Matches(/^[a-z]+(\.[a-z_]+)+$/)
  type: string;

  @IsInt()
  @Min(1)
  version: number;

  @IsISO8601({ strict: true })
  occurredAt: string;

  @IsString()
  @MaxLength(100)
  producer: string;

  @IsString()
  @MaxLength(200)
  key: string;

  @IsString()
  @MaxLength(200)
  correlationId: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  causationId?: string;

  @IsObject()
  payload: P;
}

/** Who and what caused an event: carried from the HTTP request or the consumed event. */
export interface EventMeta {
  /**
   * The event's id when it records a fact that may be sent again (a decision re-sent on
   * redelivery): derived from the fact, so the copies are one event to every consumer. Default: new.
   */
  id?: string;
  correlationId: string;
  causationId?: string;
  producer: string;
}
