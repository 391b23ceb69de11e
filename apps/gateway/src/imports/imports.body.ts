import { errorCodes } from 'fastify';
import { NestFastifyApplication } from '@nestjs/platform-fastify';

/** The routes that take an XML body (ImportsController). */
const XML_ROUTES = /^\/api\/v1\/imports\/[^/?]+(\?|$)/;

/**
 * XML bodies are not parsed by fastify: the import routes read the request stream themselves
 * (ImportsService streams it to a file), so the JSON body limit does not apply to them and
 * IMPORT_BODY_LIMIT_BYTES does. Any other route answers an XML body 415, as fastify does for a
 * type it has no parser for: left unread, it was no body at all, and a route whose body is
 * optional (closing a thread) accepted it (the fuzz suite's finding).
 */
export function registerXmlBody(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser(['application/xml', 'text/xml'], (request, _payload, done) =>
      XML_ROUTES.test(request.url) ? done(null, undefined) : done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type'] ?? ''), undefined),
    );
}
