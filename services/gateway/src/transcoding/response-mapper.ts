import { type DescMessage, fromBinary, type JsonValue, type Registry, toJson } from '@bufbuild/protobuf';

/**
 * The RPC's response as the transcoder prints it: proto3 JSON with lowerCamel names, enums by
 * name, and fields at their default value printed too (print_options
 * always_print_primitive_fields: true in envoy/envoy.yaml), so clients see `"availableCount": 0`
 * rather than a missing key. Unset message fields (timestamps not reached yet) stay absent.
 */
export function responseJson(schema: DescMessage, registry: Registry, bytes: Uint8Array, responseBody: string): JsonValue {
  const json = toJson(schema, fromBinary(schema, bytes), { registry, alwaysEmitImplicit: true }) as Record<string, JsonValue>;
  if (responseBody === '') return json;
  const field = schema.fields.find((candidate) => candidate.name === responseBody);
  return field ? (json[field.jsonName] ?? null) : json;
}
