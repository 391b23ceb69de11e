import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Actor, Role } from '@app/contracts';

export const PUBLIC_ROUTE = 'auth:public';
export const REQUIRED_ROLES = 'auth:roles';

/** Anyone may call this route; a token, if sent, must still be valid. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The caller needs one of these roles (admin always qualifies). */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

/** The authenticated caller, or undefined on a public route called without a token. */
export const CurrentUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): Actor | undefined => context.switchToHttp().getRequest<{ user?: Actor }>().user,
);
