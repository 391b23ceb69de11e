import fs from 'node:fs';
import path from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';

/** dist/web/widget, written by web/widget/build.mjs next to the compiled gateway (dist/apps/gateway/src/embed). */
export const WIDGET_ASSETS = path.resolve(__dirname, '../../../../web/widget');

/** Hashed names (`app-3F2K9QXA.js`) never change content: cached for a year. */
const HASHED = /-[A-Z0-9]{8}\.(js|css)$/;

/**
 * The reader widget's files under /embed/: the loader (embed.js) and count script (count.js)
 * keep their names so news sites can paste them once, and are cached briefly so a release
 * reaches readers within minutes; the app bundles they load are hashed and cached for good.
 * Plain classic scripts and a stylesheet: the host page loads them without CORS.
 */
export function registerEmbed(app: NestFastifyApplication, root = WIDGET_ASSETS): void {
  if (!fs.existsSync(root)) return;
  app.useStaticAssets({
    root,
    prefix: '/embed/',
    decorateReply: false,
    index: false,
    // @fastify/static 10 hands over the Fastify reply here (its types still say a Node response).
    setHeaders: (response, file) => {
      const reply = response as unknown as { header(name: string, value: string): void };
      reply.header('cache-control', HASHED.test(file) ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
      // Loaded by other sites' pages: let them, without credentials.
      reply.header('cross-origin-resource-policy', 'cross-origin');
      reply.header('x-content-type-options', 'nosniff');
    },
  });
}
