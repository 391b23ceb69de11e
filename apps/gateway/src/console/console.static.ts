import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Where `npm run build` puts the console (web/console/build.mjs): dist/web/console, beside dist/apps. */
export const CONSOLE_DIR = join(__dirname, '..', '..', '..', '..', 'web', 'console');

/**
 * Only the console's own files and the gateway's API, nothing inline: the console renders comment
 * text as text, and this keeps a mistake there from running a script.
 */
const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the moderator console at /moderate (static files, outside the Nest router and so outside
 * OpenAPI). Hashed bundles are cached for good; index.html is revalidated so a deploy shows at once.
 */
export async function registerConsole(app: NestFastifyApplication, root = CONSOLE_DIR): Promise<void> {
  if (!existsSync(join(root, 'index.html'))) {
    new Logger('Console').warn(`moderator console not built (${root}): run npm run build:web`);
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/moderate/',
    index: ['index.html'],
    redirect: true,
    wildcard: false,
    setHeaders: (reply, path) => {
      void reply.header('x-content-type-options', 'nosniff');
      void reply.header('referrer-policy', 'no-referrer');
      if (/-[A-Z0-9]{8}\.(js|css)$/.test(path)) void reply.header('cache-control', 'public, max-age=31536000, immutable');
      else {
        void reply.header('cache-control', 'no-cache');
        void reply.header('content-security-policy', CONSOLE_CSP);
      }
    },
  });
}
