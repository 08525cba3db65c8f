import type { DescField, DescMessage } from '@bufbuild/protobuf';

/**
 * Resolves a dotted field path (`a.b.c`) against a message, each name matching a field's proto
 * name or its JSON name, as the transcoder's type helper does. Every field but the last must be
 * a singular message. Undefined when a name does not resolve.
 */
export function resolveFieldPath(message: DescMessage, names: readonly string[]): DescField[] | undefined {
  const fields: DescField[] = [];
  let current: DescMessage | undefined = message;
  for (const name of names) {
    if (!current) return undefined;
    const field: DescField | undefined = current.fields.find((candidate) => candidate.name === name || candidate.jsonName === name);
    if (!field) return undefined;
    fields.push(field);
    current = field.fieldKind === 'message' ? field.message : undefined;
  }
  return fields.length > 0 ? fields : undefined;
}

/** Well-known types whose JSON form is a string or number, so a path or query value can set them. */
const SCALAR_LIKE_MESSAGES = new Set([
  'google.protobuf.Timestamp',
  'google.protobuf.Duration',
  'google.protobuf.FieldMask',
  'google.protobuf.DoubleValue',
  'google.protobuf.FloatValue',
  'google.protobuf.Int64Value',
  'google.protobuf.UInt64Value',
  'google.protobuf.Int32Value',
  'google.protobuf.UInt32Value',
  'google.protobuf.BoolValue',
  'google.protobuf.StringValue',
  'google.protobuf.BytesValue',
]);

/** A field a single text value can set: a scalar, an enum, a list of either, or a scalar-like well-known type. */
export function isTextSettable(field: DescField): boolean {
  switch (field.fieldKind) {
    case 'scalar':
    case 'enum':
      return true;
    case 'list':
      return field.listKind !== 'message';
    case 'message':
      return SCALAR_LIKE_MESSAGES.has(field.message.typeName);
    default:
      return false;
  }
}
