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
 * 404, as if the path did not exist): what HTTP and generated clients expect. The most literal
 * documented path wins: GET /articles/import is a 405 (import answers POST), not a GET of a story
 * whose id is "import" refused as a bad UUID.
 */
function answerOtherMethods(app: NestFastifyApplication, operations: { path: string; methods: string[] }[]): void {
  const params = (path: string) => (path.match(/\{[^}]+\}|:[^/]+/g) ?? []).length;
  const matchers = operations
    .map(({ path, methods }) => ({ pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}/?$`), methods, params: params(path) }))
    .sort((a, b) => a.params - b.params);
  app.getHttpAdapter().getInstance().addHook('onRequest', (request, reply, done) => {
    const match = matchers.find((m) => m.pattern.test(request.url.split('?')[0]));
    if (!match) return done();
    const route = request.routeOptions?.url;
    // A route matched (HEAD of a GET included, a CORS preflight's OPTIONS): nothing to do, unless
    // it is a template the more literal documented path stands in front of.
    if (route !== undefined && (request.method === 'OPTIONS' || match.methods.includes(request.method) || params(route) <= match.params)) return done();
    void reply
      .code(405)
      .header('allow', match.methods.join(', '))
      .send({ statusCode: 405, error: 'Method Not Allowed', code: 'method_not_allowed', message: `this path answers ${match.methods.join(', ')}`, correlationId: request.headers[CORRELATION_HEADER] });
  });
}
