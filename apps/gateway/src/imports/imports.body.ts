import { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * XML bodies are not parsed by fastify: the import routes read the request stream themselves
 * (ImportsService streams it to a file), so the JSON body limit does not apply to them and
 * IMPORT_BODY_LIMIT_BYTES does. On any other route an XML body is left unread and fails its
 * validation (400), as any body of the wrong shape.
 */
export function registerXmlBody(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser(['application/xml', 'text/xml'], (_request, _payload, done) => done(null, undefined));
}
