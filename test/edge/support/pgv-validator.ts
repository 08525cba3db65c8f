import { isIP } from 'node:net';
import {
  type DescEnum,
  type DescExtension,
  type DescField,
  type DescMessage,
  getOption,
  hasOption,
  type JsonObject,
  type JsonValue,
  type Registry,
  ScalarType,
  toJson,
} from '@bufbuild/protobuf';
import { type ReflectList, type ReflectMap, type ReflectMessage, reflect } from '@bufbuild/protobuf/reflect';
import { anyUnpack, type Any, FeatureSet_FieldPresence } from '@bufbuild/protobuf/wkt';

/**
 * protoc-gen-validate (PGV) rules, checked the way Envoy checks them when it loads a config
 * (MessageUtil::validate): read the `(validate.rules)` options of each field from the descriptors and
 * apply them to the parsed message, recursively, through google.protobuf.Any (typed_config) too.
 *
 * Rule kinds enforced:
 * - message: required, skip; oneof `(validate.required)`; message `(validate.disabled)`
 * - numbers (all 12 scalar kinds, and their google.protobuf wrappers): const, lt, lte, gt, gte
 *   (with PGV's exclusive-range reading when lt < gt), in, not_in
 * - bool: const
 * - string: const, len, min_len, max_len, len_bytes, min_bytes, max_bytes, pattern, prefix, suffix,
 *   contains, not_contains, in, not_in, well_known_regex (HTTP_HEADER_NAME / HTTP_HEADER_VALUE with
 *   `strict`), email, hostname, ip, ipv4, ipv6, address, uri, uuid
 * - bytes: const, len, min_len, max_len, prefix, suffix, contains, in, not_in, ip, ipv4, ipv6
 * - enum: const, defined_only, in, not_in
 * - repeated: min_items, max_items, unique, items (any of the rules above, per item)
 * - map: min_pairs, max_pairs, keys, values
 * - google.protobuf.Any: required, in, not_in
 * - google.protobuf.Duration: required, const, lt, lte, gt, gte, in, not_in
 * - google.protobuf.Timestamp: required, const, lt, lte, gt, gte
 * - ignore_empty (every kind that has it)
 * Not enforced: timestamp lt_now / gt_now / within, string uri_ref, bytes pattern, map no_sparse (a
 * parsed map has no missing values). Besides PGV:
 * a set field or enum value marked `deprecated` is reported, as Envoy warns (or refuses) on them.
 */

export interface Violation {
  /** Where, in the config's own (snake_case) spelling, e.g. static_resources.clusters[0].name. */
  path: string;
  message: string;
}

type Rules = JsonObject;

/** A value's type, for a field or for one element of a repeated or map field. */
type ValueType =
  | { kind: 'scalar'; scalar: ScalarType }
  | { kind: 'enum'; enum: DescEnum }
  | { kind: 'message'; message: DescMessage };

const NUMERIC_RULE_KEYS = ['float', 'double', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64'];
const WRAPPERS = new Set([
  'google.protobuf.DoubleValue', 'google.protobuf.FloatValue', 'google.protobuf.Int64Value', 'google.protobuf.UInt64Value',
  'google.protobuf.Int32Value', 'google.protobuf.UInt32Value', 'google.protobuf.BoolValue', 'google.protobuf.StringValue',
  'google.protobuf.BytesValue',
]);
// PGV's well-known regexes (validate.proto KnownRegex), as protoc-gen-validate's C++ code spells them.
const HTTP_HEADER_NAME = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;
const HTTP_HEADER_VALUE_STRICT = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
const HTTP_HEADER_VALUE_LOOSE = /^[^\u0000\u000A\u000D]*$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HOSTNAME_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

export class PgvValidator {
  private readonly rulesExtension: DescExtension;
  private readonly oneofRequired: DescExtension;
  private readonly messageDisabled: DescExtension;
  private readonly fieldRulesSchema: DescMessage;
  private readonly rulesCache = new Map<DescField, Rules | undefined>();

  constructor(private readonly registry: Registry) {
    this.rulesExtension = mustFind(registry.getExtension('validate.rules'), 'validate.rules');
    this.oneofRequired = mustFind(registry.getExtension('validate.required'), 'validate.required');
    this.messageDisabled = mustFind(registry.getExtension('validate.disabled'), 'validate.disabled');
    this.fieldRulesSchema = mustFind(registry.getMessage('validate.FieldRules'), 'validate.FieldRules');
  }

  validate(message: ReflectMessage, path = ''): Violation[] {
    const violations: Violation[] = [];
    this.checkMessage(message, path, violations);
    return violations;
  }

  private checkMessage(message: ReflectMessage, path: string, out: Violation[]): void {
    const desc = message.desc;
    if (desc.typeName === 'google.protobuf.Any') {
      this.checkAnyContent(message, path, out);
      return;
    }
    // Well-known types carry no rules inside (Duration, Struct, wrappers ...).
    if (desc.file.proto.package === 'google.protobuf') return;
    if (hasOption(desc, this.messageDisabled) && getOption(desc, this.messageDisabled) === true) return;

    for (const oneof of desc.oneofs) {
      if (hasOption(oneof, this.oneofRequired) && getOption(oneof, this.oneofRequired) === true && !message.oneofCase(oneof)) {
        out.push({ path: join(path, oneof.name), message: `exactly one of ${oneof.fields.map((f) => f.name).join(', ')} is required` });
      }
    }
    for (const field of desc.fields) this.checkField(message, field, path, out);
  }

  private checkField(message: ReflectMessage, field: DescField, parent: string, out: Violation[]): void {
    const path = join(parent, field.name);
    const set = message.isSet(field);
    if (field.deprecated && set) out.push({ path, message: `${field.parent.typeName}.${field.name} is deprecated` });
    // PGV validates only the member of a oneof that is set.
    if (field.oneof && message.oneofCase(field.oneof) !== field) return;
    const rules = this.rulesOf(field);

    switch (field.fieldKind) {
      case 'scalar':
      case 'enum': {
        // Explicit presence (proto3 `optional`): rules apply only to a value that is there.
        if (field.presence === FeatureSet_FieldPresence.EXPLICIT && !set) return;
        const type: ValueType = field.fieldKind === 'enum' ? { kind: 'enum', enum: field.enum } : { kind: 'scalar', scalar: field.scalar };
        if (rules) this.checkValue(message.get(field), type, rules, path, out);
        if (field.fieldKind === 'enum' && set) this.checkDeprecatedEnumValue(field.enum, message.get(field) as number, path, out);
        return;
      }
      case 'message': {
        if (!set) {
          if (rules && isRequired(rules)) out.push({ path, message: 'is required' });
          return;
        }
        const value = message.get(field) as ReflectMessage;
        if (rules) this.checkValue(value, { kind: 'message', message: field.message }, rules, path, out);
        if (!(rules && objectAt(rules, 'message')?.skip === true)) this.checkMessage(value, path, out);
        return;
      }
      case 'list': {
        const list = message.get(field) as ReflectList;
        const itemType: ValueType =
          field.listKind === 'message' ? { kind: 'message', message: field.message }
          : field.listKind === 'enum' ? { kind: 'enum', enum: field.enum }
          : { kind: 'scalar', scalar: field.scalar };
        const repeated = rules && objectAt(rules, 'repeated');
        if (repeated && !(repeated.ignoreEmpty === true && list.size === 0)) this.checkRepeated(list, itemType, repeated, path, out);
        for (const [index, item] of list.entries()) {
          const itemPath = `${path}[${index}]`;
          if (itemType.kind === 'message') this.checkMessage(item as ReflectMessage, itemPath, out);
          if (itemType.kind === 'enum') this.checkDeprecatedEnumValue(itemType.enum, item as number, itemPath, out);
        }
        return;
      }
      case 'map': {
        const map = message.get(field) as ReflectMap;
        const valueType: ValueType =
          field.mapKind === 'message' ? { kind: 'message', message: field.message }
          : field.mapKind === 'enum' ? { kind: 'enum', enum: field.enum }
          : { kind: 'scalar', scalar: field.scalar };
        const mapRules = rules && objectAt(rules, 'map');
        if (mapRules && !(mapRules.ignoreEmpty === true && map.size === 0)) this.checkMap(map, field.mapKey, valueType, mapRules, path, out);
        for (const [key, value] of map) {
          if (valueType.kind === 'message') this.checkMessage(value as ReflectMessage, `${path}[${String(key)}]`, out);
        }
        return;
      }
    }
  }

  /** typed_config and friends: Envoy validates the message inside the Any as well. */
  private checkAnyContent(message: ReflectMessage, path: string, out: Violation[]): void {
    const any = message.message as Any;
    if (any.typeUrl === '') return;
    const inner = anyUnpack(any, this.registry);
    if (!inner) {
      out.push({ path, message: `${any.typeUrl} is not a type of this Envoy API` });
      return;
    }
    const innerDesc = mustFind(this.registry.getMessage(inner.$typeName), inner.$typeName);
    this.checkMessage(reflect(innerDesc, inner), path, out);
  }

  private checkDeprecatedEnumValue(enumDesc: DescEnum, number: number, path: string, out: Violation[]): void {
    const value = enumDesc.value[number];
    if (value?.deprecated) out.push({ path, message: `${enumDesc.typeName}.${value.name} is deprecated` });
  }

  /** The rules of one value: a field's own value, or one element of a repeated field or map. */
  private checkValue(value: unknown, type: ValueType, rules: Rules, path: string, out: Violation[]): void {
    const fail = (message: string) => out.push({ path, message });
    if (type.kind === 'enum') {
      const enumRules = objectAt(rules, 'enum');
      if (enumRules) checkEnum(value as number, type.enum, enumRules, fail);
      return;
    }
    if (type.kind === 'scalar') {
      checkScalar(value, type.scalar, rules, fail);
      return;
    }
    const message = value as ReflectMessage;
    const typeName = type.message.typeName;
    if (WRAPPERS.has(typeName)) {
      const inner = message.fields[0];
      if (inner?.fieldKind === 'scalar') checkScalar(message.get(inner), inner.scalar, rules, fail);
    } else if (typeName === 'google.protobuf.Duration') {
      const durationRules = objectAt(rules, 'duration');
      if (durationRules) checkTimeRules(durationNanos(message), durationRules, durationNanosOf, 'duration', fail);
    } else if (typeName === 'google.protobuf.Timestamp') {
      const timestampRules = objectAt(rules, 'timestamp');
      if (timestampRules) checkTimeRules(durationNanos(message), timestampRules, timestampNanosOf, 'timestamp', fail);
    } else if (typeName === 'google.protobuf.Any') {
      const anyRules = objectAt(rules, 'any');
      const typeUrl = (message.message as Any).typeUrl;
      if (anyRules?.in && !(anyRules.in as string[]).includes(typeUrl)) fail(`type ${typeUrl} must be one of ${(anyRules.in as string[]).join(', ')}`);
      if (anyRules?.notIn && (anyRules.notIn as string[]).includes(typeUrl)) fail(`type ${typeUrl} is not allowed here`);
    }
  }

  private checkRepeated(list: ReflectList, itemType: ValueType, rules: Rules, path: string, out: Violation[]): void {
    const fail = (message: string) => out.push({ path, message });
    if (rules.minItems !== undefined && list.size < Number(rules.minItems)) fail(`must have at least ${String(rules.minItems)} item(s), has ${list.size}`);
    if (rules.maxItems !== undefined && list.size > Number(rules.maxItems)) fail(`must have at most ${String(rules.maxItems)} item(s), has ${list.size}`);
    if (rules.unique === true && itemType.kind !== 'message') {
      const seen = new Set<string>();
      for (const item of list) {
        const key = item instanceof Uint8Array ? Buffer.from(item).toString('hex') : String(item);
        if (seen.has(key)) fail(`items must be unique, ${key} repeats`);
        seen.add(key);
      }
    }
    const itemRules = objectAt(rules, 'items');
    if (itemRules) {
      for (const [index, item] of list.entries()) this.checkValue(item, itemType, itemRules, `${path}[${index}]`, out);
    }
  }

  private checkMap(map: ReflectMap, keyType: ScalarType, valueType: ValueType, rules: Rules, path: string, out: Violation[]): void {
    const fail = (message: string) => out.push({ path, message });
    if (rules.minPairs !== undefined && map.size < Number(rules.minPairs)) fail(`must have at least ${String(rules.minPairs)} entries, has ${map.size}`);
    if (rules.maxPairs !== undefined && map.size > Number(rules.maxPairs)) fail(`must have at most ${String(rules.maxPairs)} entries, has ${map.size}`);
    const keyRules = objectAt(rules, 'keys');
    const valueRules = objectAt(rules, 'values');
    for (const [key, value] of map) {
      const entryPath = `${path}[${String(key)}]`;
      if (keyRules) this.checkValue(key, { kind: 'scalar', scalar: keyType }, keyRules, entryPath, out);
      if (valueRules) this.checkValue(value, valueType, valueRules, entryPath, out);
    }
  }

  private rulesOf(field: DescField): Rules | undefined {
    if (!this.rulesCache.has(field)) {
      const rules = hasOption(field, this.rulesExtension)
        ? (toJson(this.fieldRulesSchema, getOption(field, this.rulesExtension) as never, { registry: this.registry }) as Rules)
        : undefined;
      this.rulesCache.set(field, rules);
    }
    return this.rulesCache.get(field);
  }
}

function checkScalar(value: unknown, scalar: ScalarType, rules: Rules, fail: (message: string) => void): void {
  if (scalar === ScalarType.STRING) {
    const stringRules = objectAt(rules, 'string');
    if (stringRules) checkString(value as string, stringRules, fail);
  } else if (scalar === ScalarType.BYTES) {
    const bytesRules = objectAt(rules, 'bytes');
    if (bytesRules) checkBytes(value as Uint8Array, bytesRules, fail);
  } else if (scalar === ScalarType.BOOL) {
    const boolRules = objectAt(rules, 'bool');
    if (boolRules?.const !== undefined && value !== boolRules.const) fail(`must be ${String(boolRules.const)}`);
  } else {
    for (const key of NUMERIC_RULE_KEYS) {
      const numberRules = objectAt(rules, key);
      if (numberRules) checkNumber(value as number | bigint, scalar, numberRules, fail);
    }
  }
}

function checkNumber(value: number | bigint, scalar: ScalarType, rules: Rules, fail: (message: string) => void): void {
  const floating = scalar === ScalarType.FLOAT || scalar === ScalarType.DOUBLE;
  const asNumber = (raw: JsonValue): number | bigint => (floating ? Number(raw) : BigInt(String(raw)));
  const v = floating ? Number(value) : BigInt(value);
  if (rules.ignoreEmpty === true && (floating ? v === 0 : v === 0n)) return;
  const shown = String(value);
  if (rules.const !== undefined && v !== asNumber(rules.const)) fail(`must equal ${String(rules.const)}, is ${shown}`);
  checkRange(v, { lt: rules.lt, lte: rules.lte, gt: rules.gt, gte: rules.gte }, asNumber, shown, fail);
  if (Array.isArray(rules.in) && !rules.in.some((allowed) => asNumber(allowed) === v)) fail(`must be one of ${rules.in.join(', ')}, is ${shown}`);
  if (Array.isArray(rules.notIn) && rules.notIn.some((banned) => asNumber(banned) === v)) fail(`must not be ${shown}`);
}

/**
 * lt/lte/gt/gte as PGV reads them: with a lower and an upper bound, lower < upper means "between",
 * lower > upper means "outside" (e.g. {lt: 10, gt: 20}: below 10 or above 20).
 */
function checkRange<T extends number | bigint>(
  v: T,
  bounds: { lt?: JsonValue; lte?: JsonValue; gt?: JsonValue; gte?: JsonValue },
  parse: (raw: JsonValue) => T,
  shown: string,
  fail: (message: string) => void,
): void {
  const upper = bounds.lt !== undefined ? { at: parse(bounds.lt), inclusive: false } : bounds.lte !== undefined ? { at: parse(bounds.lte), inclusive: true } : undefined;
  const lower = bounds.gt !== undefined ? { at: parse(bounds.gt), inclusive: false } : bounds.gte !== undefined ? { at: parse(bounds.gte), inclusive: true } : undefined;
  const below = (b: { at: T; inclusive: boolean }) => (b.inclusive ? v <= b.at : v < b.at);
  const above = (b: { at: T; inclusive: boolean }) => (b.inclusive ? v >= b.at : v > b.at);
  const describe = (b: { at: T; inclusive: boolean }, side: 'upper' | 'lower') =>
    `${side === 'upper' ? (b.inclusive ? '<=' : '<') : b.inclusive ? '>=' : '>'} ${String(b.at)}`;
  if (upper && lower) {
    const between = upper.at >= lower.at;
    const ok = between ? below(upper) && above(lower) : below(upper) || above(lower);
    if (!ok) fail(`must be ${describe(lower, 'lower')} ${between ? 'and' : 'or'} ${describe(upper, 'upper')}, is ${shown}`);
  } else if (upper && !below(upper)) fail(`must be ${describe(upper, 'upper')}, is ${shown}`);
  else if (lower && !above(lower)) fail(`must be ${describe(lower, 'lower')}, is ${shown}`);
}

function checkString(value: string, rules: Rules, fail: (message: string) => void): void {
  if (rules.ignoreEmpty === true && value === '') return;
  const shown = JSON.stringify(value);
  const chars = [...value].length;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (rules.const !== undefined && value !== rules.const) fail(`must be ${JSON.stringify(rules.const)}, is ${shown}`);
  if (rules.len !== undefined && chars !== Number(rules.len)) fail(`must be ${String(rules.len)} characters long, is ${chars}`);
  if (rules.minLen !== undefined && chars < Number(rules.minLen)) fail(`must be at least ${String(rules.minLen)} character(s) long, is ${shown}`);
  if (rules.maxLen !== undefined && chars > Number(rules.maxLen)) fail(`must be at most ${String(rules.maxLen)} characters long, is ${chars}`);
  if (rules.lenBytes !== undefined && bytes !== Number(rules.lenBytes)) fail(`must be ${String(rules.lenBytes)} bytes long, is ${bytes}`);
  if (rules.minBytes !== undefined && bytes < Number(rules.minBytes)) fail(`must be at least ${String(rules.minBytes)} byte(s) long, is ${bytes}`);
  if (rules.maxBytes !== undefined && bytes > Number(rules.maxBytes)) fail(`must be at most ${String(rules.maxBytes)} bytes long, is ${bytes}`);
  if (typeof rules.pattern === 'string' && !new RegExp(rules.pattern).test(value)) fail(`must match ${rules.pattern}, is ${shown}`);
  if (typeof rules.prefix === 'string' && !value.startsWith(rules.prefix)) fail(`must start with ${JSON.stringify(rules.prefix)}, is ${shown}`);
  if (typeof rules.suffix === 'string' && !value.endsWith(rules.suffix)) fail(`must end with ${JSON.stringify(rules.suffix)}, is ${shown}`);
  if (typeof rules.contains === 'string' && !value.includes(rules.contains)) fail(`must contain ${JSON.stringify(rules.contains)}, is ${shown}`);
  if (typeof rules.notContains === 'string' && value.includes(rules.notContains)) fail(`must not contain ${JSON.stringify(rules.notContains)}, is ${shown}`);
  if (Array.isArray(rules.in) && !rules.in.includes(value)) fail(`must be one of ${rules.in.join(', ')}, is ${shown}`);
  if (Array.isArray(rules.notIn) && rules.notIn.includes(value)) fail(`must not be ${shown}`);
  // `strict: false` swaps both header regexes for the loose one (no NUL, CR or LF), as PGV does:
  // e.g. jwt_authn's forward_payload_header, empty when unused.
  if (rules.wellKnownRegex === 'HTTP_HEADER_NAME' && !(rules.strict !== false ? HTTP_HEADER_NAME : HTTP_HEADER_VALUE_LOOSE).test(value)) {
    fail(`must be an HTTP header name, is ${shown}`);
  }
  if (rules.wellKnownRegex === 'HTTP_HEADER_VALUE') {
    const strict = rules.strict !== false;
    if (!(strict ? HTTP_HEADER_VALUE_STRICT : HTTP_HEADER_VALUE_LOOSE).test(value)) fail(`must be an HTTP header value, is ${shown}`);
  }
  if (rules.email === true && !/^[^@\s]+@[^@\s]+$/.test(value)) fail(`must be an email address, is ${shown}`);
  if (rules.hostname === true && !isHostname(value)) fail(`must be a hostname, is ${shown}`);
  if (rules.ip === true && isIP(value) === 0) fail(`must be an IP address, is ${shown}`);
  if (rules.ipv4 === true && isIP(value) !== 4) fail(`must be an IPv4 address, is ${shown}`);
  if (rules.ipv6 === true && isIP(value) !== 6) fail(`must be an IPv6 address, is ${shown}`);
  if (rules.address === true && isIP(value) === 0 && !isHostname(value)) fail(`must be a hostname or an IP address, is ${shown}`);
  if (rules.uri === true && !isAbsoluteUri(value)) fail(`must be an absolute URI, is ${shown}`);
  if (rules.uuid === true && !UUID.test(value)) fail(`must be a UUID, is ${shown}`);
}

function checkBytes(value: Uint8Array, rules: Rules, fail: (message: string) => void): void {
  if (rules.ignoreEmpty === true && value.length === 0) return;
  const bytes = Buffer.from(value);
  const ruleBytes = (raw: JsonValue | undefined) => Buffer.from(String(raw), 'base64');
  if (rules.const !== undefined && !bytes.equals(ruleBytes(rules.const))) fail('must equal the constant bytes');
  if (rules.len !== undefined && bytes.length !== Number(rules.len)) fail(`must be ${String(rules.len)} bytes long, is ${bytes.length}`);
  if (rules.minLen !== undefined && bytes.length < Number(rules.minLen)) fail(`must be at least ${String(rules.minLen)} byte(s) long, is ${bytes.length}`);
  if (rules.maxLen !== undefined && bytes.length > Number(rules.maxLen)) fail(`must be at most ${String(rules.maxLen)} bytes long, is ${bytes.length}`);
  if (rules.prefix !== undefined && !bytes.subarray(0, ruleBytes(rules.prefix).length).equals(ruleBytes(rules.prefix))) fail('must start with the given bytes');
  if (rules.suffix !== undefined && !bytes.subarray(bytes.length - ruleBytes(rules.suffix).length).equals(ruleBytes(rules.suffix))) fail('must end with the given bytes');
  if (rules.contains !== undefined && bytes.indexOf(ruleBytes(rules.contains)) < 0) fail('must contain the given bytes');
  if (Array.isArray(rules.in) && !rules.in.some((allowed) => bytes.equals(ruleBytes(allowed)))) fail('must be one of the allowed values');
  if (Array.isArray(rules.notIn) && rules.notIn.some((banned) => bytes.equals(ruleBytes(banned)))) fail('must not be this value');
  if (rules.ip === true && bytes.length !== 4 && bytes.length !== 16) fail(`must be an IP address (4 or 16 bytes), is ${bytes.length} bytes`);
  if (rules.ipv4 === true && bytes.length !== 4) fail(`must be an IPv4 address (4 bytes), is ${bytes.length} bytes`);
  if (rules.ipv6 === true && bytes.length !== 16) fail(`must be an IPv6 address (16 bytes), is ${bytes.length} bytes`);
}

function checkEnum(value: number, enumDesc: DescEnum, rules: Rules, fail: (message: string) => void): void {
  if (rules.definedOnly === true && !enumDesc.value[value]) fail(`${value} is not a value of ${enumDesc.typeName}`);
  const number = (raw: JsonValue) => (typeof raw === 'string' ? (enumDesc.values.find((v) => v.name === raw)?.number ?? Number.NaN) : Number(raw));
  if (rules.const !== undefined && value !== number(rules.const)) fail(`must be ${String(rules.const)}, is ${value}`);
  if (Array.isArray(rules.in) && !rules.in.some((allowed) => number(allowed) === value)) fail(`must be one of ${rules.in.join(', ')}, is ${value}`);
  if (Array.isArray(rules.notIn) && rules.notIn.some((banned) => number(banned) === value)) fail(`must not be ${enumDesc.value[value]?.name ?? value}`);
}

/** Duration and Timestamp rules, compared in nanoseconds. */
function checkTimeRules(
  nanos: bigint,
  rules: Rules,
  parse: (raw: JsonValue) => bigint,
  kind: string,
  fail: (message: string) => void,
): void {
  const shown = `${kind} of ${formatNanos(nanos)}`;
  if (rules.const !== undefined && nanos !== parse(rules.const)) fail(`must be ${String(rules.const)}, is ${shown}`);
  checkRange(nanos, { lt: rules.lt, lte: rules.lte, gt: rules.gt, gte: rules.gte }, parse, shown, fail);
  if (Array.isArray(rules.in) && !rules.in.some((allowed) => parse(allowed) === nanos)) fail(`must be one of ${rules.in.join(', ')}, is ${shown}`);
  if (Array.isArray(rules.notIn) && rules.notIn.some((banned) => parse(banned) === nanos)) fail(`must not be ${shown}`);
}

function durationNanos(message: ReflectMessage): bigint {
  const seconds = message.get(message.desc.fields.find((f) => f.name === 'seconds')!) as bigint;
  const nanos = message.get(message.desc.fields.find((f) => f.name === 'nanos')!) as number;
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
}

/** A Duration in proto3 JSON ("1.5s", "-0.001s") as nanoseconds. */
function durationNanosOf(raw: JsonValue): bigint {
  const match = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(String(raw));
  if (!match) throw new Error(`not a JSON duration: ${String(raw)}`);
  const total = BigInt(match[2]!) * 1_000_000_000n + BigInt((match[3] ?? '').padEnd(9, '0'));
  return match[1] ? -total : total;
}

/** A Timestamp in proto3 JSON (RFC 3339) as nanoseconds since the epoch. */
function timestampNanosOf(raw: JsonValue): bigint {
  const text = String(raw);
  const fraction = /\.(\d{1,9})/.exec(text)?.[1] ?? '';
  const millis = Date.parse(text.replace(/\.\d+/, ''));
  return BigInt(millis) * 1_000_000n + BigInt(fraction.padEnd(9, '0'));
}

function formatNanos(nanos: bigint): string {
  const sign = nanos < 0n ? '-' : '';
  const abs = nanos < 0n ? -nanos : nanos;
  const fraction = (abs % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${abs / 1_000_000_000n}${fraction ? `.${fraction}` : ''}s`;
}

function isRequired(rules: Rules): boolean {
  return ['message', 'duration', 'timestamp', 'any'].some((kind) => objectAt(rules, kind)?.required === true);
}

function isHostname(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  return name.length > 0 && name.length <= 253 && name.split('.').every((label) => HOSTNAME_LABEL.test(label));
}

function isAbsoluteUri(value: string): boolean {
  try {
    return new URL(value).protocol.length > 1;
  } catch {
    return false;
  }
}

function objectAt(rules: Rules, key: string): Rules | undefined {
  const value = rules[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Rules) : undefined;
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function mustFind<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`${name} is not in the Envoy API registry`);
  return value;
}
