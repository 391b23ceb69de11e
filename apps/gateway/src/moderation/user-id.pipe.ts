import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '@app/contracts';

/** A reader's id as the news site's login issues it (a token's `sub`): 1–200 visible characters. */
@Injectable()
export class UserIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !/^[^\s\u0000-\u001f\u007f]{1,200}$/u.test(value)) {
      throw new DomainError('invalid', 'invalid_user_id', 'a user id is 1 to 200 characters without spaces or control characters', { fields: ['id: invalid user id'] });
    }
    return value;
  }
}
