import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/**
 * The ids in our paths: v4 UUIDs (random, or a comment's derived from its Idempotency-Key), and
 * the v5-shaped ids such comments got before (comments service, comment-id.ts): stored comments
 * keep them, and moderators must still reach them. Nothing else is an id. The OpenAPI document
 * states the same pattern.
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
