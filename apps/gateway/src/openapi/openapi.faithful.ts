import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_ROUTE, REQUIRED_ROLES } from '@app/http';
import { RATE_LIMITED } from '../rate-limit/rate-limit.guard';
import { RESOURCE_ID_PATTERN } from '../ids/resource-id.pipe';

/** What the guards of one route demand, read from the same metadata they read. */
interface RouteAccess {
  isPublic: boolean;
  roles: boolean;
  rateLimited: boolean;
  /** The class `@Query()` validates the query string into, if any. */
  queryClass?: string;
}

// The path-id pipes: every id is a v4 or v5 UUID (ResourceIdPipe: comments posted with an Idempotency-Key before
// their ids were v4-shaped carry v5-shaped ones) except a reader's (UserIdPipe).
const UUID_V4_OR_V5 = RESOURCE_ID_PATTERN;
const USER_ID = { type: 'string', pattern: '^[^\\s\\u0000-\\u001f\\u007f]{1,200}$', minLength: 1, maxLength: 200, description: "a reader's id (the token's sub)" };

// The posting route's own check of the header (comments service, posting.controller.ts).
const HEADER_RULES: Record<string, object> = { 'idempotency-key': { type: 'string', pattern: '^[\\x21-\\x7E]{1,200}$' } };

const ERROR_SCHEMA = 'ErrorBody';
const ERRORS: Record<number, string> = {
  400: 'invalid: the request breaks a rule (bad path id, query, body, URL encoding); `details.fields` names them',
  401: 'unauthenticated: no token where one is needed, or a token that is not valid (sent on a public route too)',
  403: 'forbidden: the token lacks the role this operation needs, or the caller may not touch this item',
  404: 'not_found: no such item (or not visible to this caller)',
  408: 'the request took longer than HTTP_REQUEST_TIMEOUT_MS to arrive',
  409: 'conflict: the item is not in a state that allows this (see the code)',
  413: 'the body is larger than BODY_LIMIT_BYTES',
  414: 'a path parameter is too long',
  415: 'the body is not application/json',
  429: 'rate_limited: too many writes from this reader or address; see Retry-After',
  503: 'service_unavailable: a service behind the gateway did not answer in time',
};

const toOpenApiPath = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((part) => part.split('/'))
    .filter(Boolean)
    .map((segment) => segment.replace(/^:(.+)$/, '{$1}'))
    .join('/');

/** Every route of the app by `method path` (OpenAPI spelling), with its guards' metadata. */
function routeAccess(app: INestApplication): Map<string, RouteAccess> {
  const routes = new Map<string, RouteAccess>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!controller) continue;
      const base = (Reflect.getMetadata(PATH_METADATA, controller) as string | undefined) ?? '';
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (path === undefined || method === undefined) continue;
        const of = <T>(key: string) => (Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller)) as T | undefined;
        const roles = of<string[]>(REQUIRED_ROLES);
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, { index: number; data?: unknown }>;
        const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, name) ?? []) as { name?: string }[];
        const query = Object.entries(args).find(([key, arg]) => key.startsWith(`${RouteParamtypes.QUERY}:`) && arg.data === undefined)?.[1];
        for (const one of Array.isArray(path) ? path : [path]) {
          routes.set(`${RequestMethod[method].toLowerCase()} ${toOpenApiPath(base, one)}`, {
            isPublic: of<boolean>(PUBLIC_ROUTE) ?? false,
            roles: Boolean(roles?.length),
            rateLimited: of<boolean>(RATE_LIMITED) ?? false,
            queryClass: query ? types[query.index]?.name : undefined,
          });
        }
      }
    }
  }
  return routes;
}

type Operation = {
  parameters?: { in: string; name: string; schema?: Record<string, unknown>; required?: boolean }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
  security?: Record<string, string[]>[];
};

/**
 * The generated document says what the guards and pipes do: path ids with the format their pipe
 * demands, security only where a token is required (optional on public reads), and every error
 * an operation can answer, with our error body.
 */
export function makeFaithful(document: OpenAPIObject, app: INestApplication, schemas: Record<string, Schema>): OpenAPIObject {
  const routes = routeAccess(app);
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      [ERROR_SCHEMA]: {
        type: 'object',
        required: ['statusCode', 'error', 'code', 'message'],
        properties: {
          statusCode: { type: 'integer' },
          error: { type: 'string' },
          code: { type: 'string', description: 'stable; clients may switch on it' },
          message: { type: 'string' },
          details: { type: 'object', additionalProperties: true },
          correlationId: { type: 'string' },
        },
      },
    },
  };
  tightenBodies(document.components.schemas as Record<string, Schema>, Object.keys(schemas));
  for (const [path, byMethod] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(byMethod as Record<string, Operation>)) {
      const access = routes.get(`${method} ${path}`);
      if (!access) throw new Error(`OpenAPI: no route found for ${method.toUpperCase()} ${path}`);
      const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path');
      for (const param of pathParams) {
        const isUser = new RegExp(`/users/\\{${param.name}\\}`).test(path);
        param.schema = isUser ? USER_ID : { type: 'string', format: 'uuid', pattern: UUID_V4_OR_V5 };
      }
      // Query parameters get the rules of the class that validates the query string.
      const querySchema = access.queryClass ? schemas[access.queryClass] : undefined;
      for (const name of Object.keys(querySchema?.properties ?? {})) {
        operation.parameters ??= [];
        if (!operation.parameters.some((p) => p.in === 'query' && p.name === name)) operation.parameters.push({ in: 'query', name });
      }
      for (const param of (operation.parameters ?? []).filter((p) => p.in === 'query')) {
        const rule = querySchema?.properties?.[param.name];
        if (rule) param.schema = rule;
        param.required = querySchema?.required?.includes(param.name) ?? false;
      }
      for (const param of (operation.parameters ?? []).filter((p) => p.in === 'header')) {
        const rule = HEADER_RULES[param.name.toLowerCase()];
        if (rule) param.schema = rule as Record<string, unknown>;
      }
      // A public read takes no token, or a valid one (an editor sees unpublished stories).
      operation.security = access.isPublic ? [{}, { bearer: [] }] : [{ bearer: [] }];
      const statuses = [400, 401, 408, 414, 503];
      if (access.roles) statuses.push(403);
      if (pathParams.length) statuses.push(404);
      if (operation.requestBody) statuses.push(413, 415);
      if (method !== 'get') statuses.push(403, 404, 409);
      if (access.rateLimited) statuses.push(429);
      for (const status of [...new Set(statuses)].sort()) {
        const given = operation.responses[status] as { description?: string } | undefined;
        operation.responses[status] = {
          description: given?.description ? `${ERRORS[status]}. ${given.description}` : ERRORS[status],
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${ERROR_SCHEMA}` } } },
        };
      }
    }
  }
  return document;
}

type Schema = { type?: string; properties?: Record<string, Record<string, unknown>>; required?: string[]; additionalProperties?: boolean; oneOf?: object[] };

/**
 * What the validation pipe does with every body (forbidNonWhitelisted): unknown properties are
 * refused, and an optional property may also be null (@IsOptional skips both). A sanction's
 * `until` depends on its kind (sanction.rules.ts): one schema per kind.
 */
function tightenBodies(schemas: Record<string, Schema>, validated: string[]): void {
  for (const schema of validated.map((name) => schemas[name])) {
    if (schema.type !== 'object' || !schema.properties) continue;
    schema.additionalProperties = false;
    for (const [name, property] of Object.entries(schema.properties)) {
      if (schema.required?.includes(name)) continue;
      schema.properties[name] = property.$ref ? { allOf: [property], nullable: true } : { ...property, nullable: true };
    }
  }
  const sanction = schemas.SanctionInput;
  if (sanction?.properties?.kind && sanction.properties.until) {
    const { kind: _kind, until, ...rest } = sanction.properties;
    const variant = (kind: string, withUntil: 'required' | 'optional' | 'none') => ({
      type: 'object',
      additionalProperties: false,
      required: ['kind', ...(sanction.required ?? []).filter((n) => n !== 'kind'), ...(withUntil === 'required' ? ['until'] : [])],
      properties: { kind: { type: 'string', enum: [kind] }, ...rest, ...(withUntil === 'required' ? { until: { ...until, nullable: false } } : withUntil === 'optional' ? { until } : {}) },
    });
    // The union stays as properties too, for readers (and suites) that list a body's fields.
    schemas.SanctionInput = {
      type: 'object',
      properties: sanction.properties,
      required: sanction.required,
      oneOf: [variant('ban', 'none'), variant('suspend', 'required'), variant('premoderate', 'optional'), variant('warn', 'none')],
      description: 'until: an ISO-8601 date-time in the future (required for suspend, optional for premoderate, not allowed for a ban or a warning)',
    } as Schema;
  }
}
