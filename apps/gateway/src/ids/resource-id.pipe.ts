import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/**
 * The ids in our paths: stories and sanctions are random (v4) UUIDs; a comment posted with an
 * Idempotency-Key gets a v5-shaped one derived from the key (comments service, comment-id.ts), so
 * both versions are ids, and nothing else is. The OpenAPI document states the same pattern.
 */
export const RESOURCE_ID_PATTERN = '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[45][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$';
const RESOURCE_ID = new RegExp(RESOURCE_ID_PATTERN);

@Injectable()
export class ResourceIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !RESOURCE_ID.test(value)) throw new BadRequestException('Validation failed (uuid v4 or v5 is expected)');
    return value;
  }
}

export const resourceId = new ResourceIdPipe();
