import { DomainError } from '@app/contracts';

export const invalidCursor = () => new DomainError('invalid', 'invalid_cursor', 'cursor is not one this API gave out');
