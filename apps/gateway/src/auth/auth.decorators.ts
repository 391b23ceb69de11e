import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Actor } from '@app/contracts';

// One Roles decorator for the gateway and the services behind it, which check it again.
export { Public, PUBLIC_ROUTE, REQUIRED_ROLES, Roles } from '@app/http';

/** The authenticated caller, or undefined on a public route called without a token. */
export const CurrentUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): Actor | undefined => context.switchToHttp().getRequest<{ user?: Actor }>().user,
);
