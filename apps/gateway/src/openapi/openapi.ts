import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- class-transformer exports its storage only untyped
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: unknown };
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';

/**
 * OpenAPI at /docs (JSON at /docs/json). Request schemas are generated from the same
 * class-validator rules that validate requests, so the document cannot drift from them.
 */
export function setupOpenApi(app: INestApplication): void {
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
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
}
