import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CORRELATION_HEADER } from '@app/observability';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- class-transformer exports its storage only untyped
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: unknown };
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { makeFaithful } from './openapi.faithful';

/**
 * OpenAPI at /docs (JSON at /docs/json). Request schemas are generated from the same
 * class-validator rules that validate requests, so the document cannot drift from them.
 */
export function setupOpenApi(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Comments platform')
    .setDescription('Stories, their comment threads, and moderation. Errors: { statusCode, error, code, message, details?, correlationId }.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const schemas = validationMetadatasToSchemas({
    refPointerPrefix: '#/components/schemas/',
    classTransformerMetadataStorage: defaultMetadataStorage as never,
    // Our date rules take a function (a moving "now"); the library only knows fixed dates.
    additionalConverters: { maxDate: () => ({ type: 'string', format: 'date-time' }), isDate: () => ({ type: 'string', format: 'date-time' }) },
  });
  document.components = { ...document.components, schemas: { ...(document.components?.schemas ?? {}), ...(schemas as object) } };
  makeFaithful(document, app, schemas as never);
  answerOtherMethods(app, Object.entries(document.paths).map(([path, ops]) => ({ path, methods: Object.keys(ops).map((m) => m.toUpperCase()) })));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
}

/**
 * A documented path called with a method it does not have is a 405 with Allow (fastify would say
 * 404, as if the path did not exist): what HTTP and generated clients expect.
 */
function answerOtherMethods(app: NestFastifyApplication, operations: { path: string; methods: string[] }[]): void {
  const matchers = operations.map(({ path, methods }) => ({ pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}/?$`), methods }));
  app.getHttpAdapter().getInstance().addHook('onRequest', (request, reply, done) => {
    // A route matched (HEAD of a GET included): nothing to do.
    if (request.routeOptions?.url !== undefined) return done();
    const match = matchers.find((m) => m.pattern.test(request.url.split('?')[0]));
    if (!match) return done();
    void reply
      .code(405)
      .header('allow', match.methods.join(', '))
      .send({ statusCode: 405, error: 'Method Not Allowed', code: 'method_not_allowed', message: `this path answers ${match.methods.join(', ')}`, correlationId: request.headers[CORRELATION_HEADER] });
  });
}
