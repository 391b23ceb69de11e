import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'auth:public';

/** Anyone may call this route; a token, if sent, must still be valid. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
