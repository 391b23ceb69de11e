import { ValidationPipe } from '@nestjs/common';
import { DomainError, flattenValidationErrors } from '@app/contracts';

/**
 * Validates bodies, params and queries against their classes. Unknown fields are refused (a
 * typo in a field name is an error, not a silent no-op) and every problem is listed by field.
 */
export const createValidationPipe = () =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = flattenValidationErrors(errors);
      return new DomainError('invalid', 'validation_failed', `request is invalid: ${fields.join('; ')}`, { fields });
    },
  });
