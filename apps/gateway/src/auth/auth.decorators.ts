import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Actor, Role } from '@app/contracts';

export { Public, PUBLIC_ROUTE } from '@app/http';
export const REQUIRED_ROLES = 'auth:roles';

/** The caller needs one of these roles (admin always qualifies). */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

/** The authenticated caller, or undefined on a public route called without a token. */
export const CurrentUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): Actor | undefined => context.switchToHttp().getRequest<{ user?: Actor }>().user,
);
