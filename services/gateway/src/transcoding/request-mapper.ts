import {
  create,
  type DescField,
  type DescMessage,
  fromJson,
  type JsonValue,
  type Message,
  mergeFromJson,
  type Registry,
  ScalarType,
  toBinary,
} from '@bufbuild/protobuf';
import type { PathBinding } from '../routing/path-template.js';
import { unescapeUrl } from '../routing/path-template.js';
import { isTextSettable, resolveFieldPath } from './field-path.js';

/** The request cannot become the RPC's message: answered 400, as Envoy's transcoder does. */
export class RequestMappingError extends Error {
  override readonly name = 'RequestMappingError';
}

export interface QueryParameter {
  readonly name: string;
  readonly value: string;
}

/**
 * Query parameters as the transcoder reads them: `name=value` pairs split on '&', pairs without
 * '=' or with an empty name skipped, values percent-decoded with '+' left as '+' (Envoy's
 * default, query_param_unescape_plus off).
 */
export function parseQuery(raw: string): QueryParameter[] {
  const parameters: QueryParameter[] = [];
  for (const pair of raw.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    parameters.push({ name: unescapeUrl(pair.slice(0, eq), true), value: unescapeUrl(pair.slice(eq + 1), true) });
  }
  return parameters;
}

export interface HttpRequestParts {
  /** '' (no body mapping), '*' or a top-level field name: the binding's `body`. */
  readonly bodyMapping: string;
  /** The raw request body; empty means none. */
  readonly body: Buffer;
  readonly query: readonly QueryParameter[];
  readonly pathBindings: readonly PathBinding[];
}

/**
 * Builds the RPC's request message from an HTTP request and returns it serialized. The body is
 * read first (proto3 JSON, strict: unknown fields, wrong types and unknown enum values are
 * refused), then query parameters, then path variables, so the resource the path names always
 * wins. A query parameter must name a field (JSON or proto name, dotted for nested fields):
 * unknown ones are refused (Envoy: reject_unknown_query_parameters). A repeated field takes every
 * value given; a singular field the last one.
 */
export function buildRequest(schema: DescMessage, registry: Registry, parts: HttpRequestParts): Uint8Array {
  const message = parts.bodyMapping === '' ? create(schema) : fromBody(schema, registry, parts.bodyMapping, parts.body);
  for (const { name, value } of parts.query) {
    const fields = resolveFieldPath(schema, name.split('.'));
    if (!fields) throw new RequestMappingError(`unknown query parameter "${name}": ${schema.typeName} has no such field`);
    setFromText(schema, registry, message, fields, value, `query parameter "${name}"`);
  }
  for (const binding of parts.pathBindings) {
    // Resolvable: the route table checked every variable at start.
    const fields = resolveFieldPath(schema, binding.fieldPath) as DescField[];
    setFromText(schema, registry, message, fields, binding.value, `path variable "${binding.fieldPath.join('.')}"`);
  }
  return toBinary(schema, message);
}

function fromBody(schema: DescMessage, registry: Registry, mapping: string, body: Buffer): Message {
  let json: JsonValue = {};
  if (body.length > 0) {
    try {
      json = JSON.parse(body.toString('utf8')) as JsonValue;
    } catch (error) {
      throw new RequestMappingError(`request body is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (mapping !== '*') {
    const field = schema.fields.find((candidate) => candidate.name === mapping) as DescField;
    json = { [field.jsonName]: json };
  }
  try {
    return fromJson(schema, json, { registry, ignoreUnknownFields: false });
  } catch (error) {
    throw new RequestMappingError((error as Error).message);
  }
}

/** Sets one field (or appends to a list) from a path or query value, through the JSON reader. */
function setFromText(schema: DescMessage, registry: Registry, message: Message, fields: DescField[], text: string, what: string): void {
  const leaf = fields[fields.length - 1];
  if (!isTextSettable(leaf))
    throw new RequestMappingError(`${what} names ${leaf.parent.typeName}.${leaf.name}, which a single value cannot set`);
  const value = textToJson(leaf, text);
  let json: JsonValue = leaf.fieldKind === 'list' ? [value] : value;
  for (let i = fields.length - 1; i >= 0; i -= 1) json = { [fields[i].jsonName]: json };
  try {
    mergeFromJson(schema, message, json, { registry, ignoreUnknownFields: false });
  } catch (error) {
    throw new RequestMappingError(`${what}: ${(error as Error).message}`);
  }
}

/** The proto3 JSON form of a text value: JSON already accepts numbers as strings, not booleans. */
function textToJson(field: DescField, text: string): JsonValue {
  const isBool = (field.fieldKind === 'scalar' || field.fieldKind === 'list') && field.scalar === ScalarType.BOOL;
  if (isBool && (text === 'true' || text === 'false')) return text === 'true';
  const isEnum = field.fieldKind === 'enum' || (field.fieldKind === 'list' && field.listKind === 'enum');
  if (isEnum && /^-?\d+$/.test(text)) return Number(text);
  return text;
}
