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
import { type Any, anyUnpack, FeatureSet_FieldPresence } from '@bufbuild/protobuf/wkt';

/**
 * protoc-gen-validate (PGV) rules, checked the way Envoy checks them when it loads a config
 * (MessageUtil::validate): read the `(validate.rules)` options of each field from the descriptors and
 * apply them to the parsed message, recursively, through google.protobuf.Any (typed_config) too.
 *
 * Why this file exists: there is no Envoy binary on these machines (`envoy --mode validate` would
 * be the real check), and no maintained JavaScript runtime for PGV's legacy `validate.rules`
 * (protovalidate-es reads `buf.validate`, which Envoy's API does not use). So it is cut to exactly
 * the rules Envoy's API (the copy in @grpc/grpc-js-xds) declares, and refuses to run on a rule
 * it does not check (SUPPORTED_RULES), so a newer API cannot pass unchecked:
 * - message: required; oneof `(validate.required)`; any: required
 * - numbers (and their google.protobuf wrappers): lt, lte, gt, gte (PGV's exclusive range when
 *   lt < gt); bool: const
 * - string: min_len, max_len, max_bytes, pattern, in, well_known_regex (HTTP_HEADER_NAME /
 *   HTTP_HEADER_VALUE with `strict`), ignore_empty; bytes: min_len, max_len
 * - enum: defined_only, not_in; duration: required, lt, lte, gt, gte
 * - repeated: min_items, max_items, unique, items; map: min_pairs, keys
 * Besides PGV: a set field or enum value marked `deprecated` is reported, as Envoy warns (or
 * refuses) on them.
 */

export interface Violation {
  /** Where, in the config's own (snake_case) spelling, e.g. static_resources.clusters[0].name. */
  path: string;
  message: string;
}

type Rules = JsonObject;

/** A value's type, for a field or for one element of a repeated or map field. */
type ValueType = { kind: 'scalar'; scalar: ScalarType } | { kind: 'enum'; enum: DescEnum } | { kind: 'message'; message: DescMessage };

const NUMERIC_RULE_KEYS = ['float', 'double', 'int32', 'int64', 'uint32', 'uint64'];
const RANGE = ['lt', 'lte', 'gt', 'gte'];
/** Every `<kind>.<rule>` this validator checks (see the header). */
const SUPPORTED_RULES = new Set([
  'message.required',
  'any.required',
  'bool.const',
  'bytes.minLen',
  'bytes.maxLen',
  ...NUMERIC_RULE_KEYS.flatMap((kind) => RANGE.map((rule) => `${kind}.${rule}`)),
  ...['required', ...RANGE].map((rule) => `duration.${rule}`),
  ...['minLen', 'maxLen', 'maxBytes', 'pattern', 'in', 'wellKnownRegex', 'strict', 'ignoreEmpty'].map((rule) => `string.${rule}`),
  'enum.definedOnly',
  'enum.notIn',
  'repeated.minItems',
  'repeated.maxItems',
  'repeated.unique',
  'repeated.items',
  'map.minPairs',
  'map.keys',
]);
const WRAPPERS = new Set([
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
// PGV's well-known regexes (validate.proto KnownRegex), as protoc-gen-validate's C++ code spells them.
const HTTP_HEADER_NAME = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: PGV's header rules are about control characters.
const HTTP_HEADER_VALUE_STRICT = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: PGV's header rules are about control characters.
const HTTP_HEADER_VALUE_LOOSE = /^[^\u0000\u000A\u000D]*$/;

export class PgvValidator {
  private readonly rulesExtension: DescExtension;
  private readonly oneofRequired: DescExtension;
  private readonly fieldRulesSchema: DescMessage;
  private readonly rulesCache = new Map<DescField, Rules | undefined>();

  constructor(private readonly registry: Registry) {
    this.rulesExtension = mustFind(registry.getExtension('validate.rules'), 'validate.rules');
    this.oneofRequired = mustFind(registry.getExtension('validate.required'), 'validate.required');
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
        this.checkMessage(value, path, out);
        return;
      }
      case 'list': {
        const list = message.get(field) as ReflectList;
        const itemType: ValueType =
          field.listKind === 'message'
            ? { kind: 'message', message: field.message }
            : field.listKind === 'enum'
              ? { kind: 'enum', enum: field.enum }
              : { kind: 'scalar', scalar: field.scalar };
        const repeated = rules && objectAt(rules, 'repeated');
        if (repeated) this.checkRepeated(list, itemType, repeated, path, out);
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
          field.mapKind === 'message'
            ? { kind: 'message', message: field.message }
            : field.mapKind === 'enum'
              ? { kind: 'enum', enum: field.enum }
              : { kind: 'scalar', scalar: field.scalar };
        const mapRules = rules && objectAt(rules, 'map');
        if (mapRules) this.checkMap(map, field.mapKey, mapRules, path, out);
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
    }
  }

  private checkRepeated(list: ReflectList, itemType: ValueType, rules: Rules, path: string, out: Violation[]): void {
    const fail = (message: string) => out.push({ path, message });
    if (rules.minItems !== undefined && list.size < Number(rules.minItems))
      fail(`must have at least ${String(rules.minItems)} item(s), has ${list.size}`);
    if (rules.maxItems !== undefined && list.size > Number(rules.maxItems))
      fail(`must have at most ${String(rules.maxItems)} item(s), has ${list.size}`);
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

  private checkMap(map: ReflectMap, keyType: ScalarType, rules: Rules, path: string, out: Violation[]): void {
    const fail = (message: string) => out.push({ path, message });
    if (rules.minPairs !== undefined && map.size < Number(rules.minPairs))
      fail(`must have at least ${String(rules.minPairs)} entries, has ${map.size}`);
    const keyRules = objectAt(rules, 'keys');
    for (const key of map.keys()) {
      if (keyRules) this.checkValue(key, { kind: 'scalar', scalar: keyType }, keyRules, `${path}[${String(key)}]`, out);
    }
  }

  private rulesOf(field: DescField): Rules | undefined {
    if (!this.rulesCache.has(field)) {
      const rules = hasOption(field, this.rulesExtension)
        ? (toJson(this.fieldRulesSchema, getOption(field, this.rulesExtension) as never, { registry: this.registry }) as Rules)
        : undefined;
      if (rules) refuseUncheckedRules(rules, `${field.parent.typeName}.${field.name}`);
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
  checkRange(v, { lt: rules.lt, lte: rules.lte, gt: rules.gt, gte: rules.gte }, asNumber, String(value), fail);
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
  const upper =
    bounds.lt !== undefined
      ? { at: parse(bounds.lt), inclusive: false }
      : bounds.lte !== undefined
        ? { at: parse(bounds.lte), inclusive: true }
        : undefined;
  const lower =
    bounds.gt !== undefined
      ? { at: parse(bounds.gt), inclusive: false }
      : bounds.gte !== undefined
        ? { at: parse(bounds.gte), inclusive: true }
        : undefined;
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
  if (rules.minLen !== undefined && chars < Number(rules.minLen))
    fail(`must be at least ${String(rules.minLen)} character(s) long, is ${shown}`);
  if (rules.maxLen !== undefined && chars > Number(rules.maxLen))
    fail(`must be at most ${String(rules.maxLen)} characters long, is ${chars}`);
  const bytes = Buffer.byteLength(value, 'utf8');
  if (rules.maxBytes !== undefined && bytes > Number(rules.maxBytes))
    fail(`must be at most ${String(rules.maxBytes)} bytes long, is ${bytes}`);
  if (typeof rules.pattern === 'string' && !new RegExp(rules.pattern).test(value)) fail(`must match ${rules.pattern}, is ${shown}`);
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
}

function checkBytes(value: Uint8Array, rules: Rules, fail: (message: string) => void): void {
  if (rules.minLen !== undefined && value.length < Number(rules.minLen))
    fail(`must be at least ${String(rules.minLen)} byte(s) long, is ${value.length}`);
  if (rules.maxLen !== undefined && value.length > Number(rules.maxLen))
    fail(`must be at most ${String(rules.maxLen)} bytes long, is ${value.length}`);
}

function checkEnum(value: number, enumDesc: DescEnum, rules: Rules, fail: (message: string) => void): void {
  if (rules.definedOnly === true && !enumDesc.value[value]) fail(`${value} is not a value of ${enumDesc.typeName}`);
  const number = (raw: JsonValue) =>
    typeof raw === 'string' ? (enumDesc.values.find((v) => v.name === raw)?.number ?? Number.NaN) : Number(raw);
  if (Array.isArray(rules.notIn) && rules.notIn.some((banned) => number(banned) === value))
    fail(`must not be ${enumDesc.value[value]?.name ?? value}`);
}

/** Duration and Timestamp rules, compared in nanoseconds. */
function checkTimeRules(
  nanos: bigint,
  rules: Rules,
  parse: (raw: JsonValue) => bigint,
  kind: string,
  fail: (message: string) => void,
): void {
  checkRange(nanos, { lt: rules.lt, lte: rules.lte, gt: rules.gt, gte: rules.gte }, parse, `${kind} of ${formatNanos(nanos)}`, fail);
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

function formatNanos(nanos: bigint): string {
  const sign = nanos < 0n ? '-' : '';
  const abs = nanos < 0n ? -nanos : nanos;
  const fraction = (abs % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${abs / 1_000_000_000n}${fraction ? `.${fraction}` : ''}s`;
}

function isRequired(rules: Rules): boolean {
  return ['message', 'duration', 'any'].some((kind) => objectAt(rules, kind)?.required === true);
}

/** Throws on a rule this validator does not check (a newer Envoy API may declare one). */
function refuseUncheckedRules(rules: Rules, where: string): void {
  for (const [kind, kindRules] of Object.entries(rules)) {
    for (const [rule, value] of Object.entries(objectAt(rules, kind) ?? {})) {
      if (!SUPPORTED_RULES.has(`${kind}.${rule}`)) throw new Error(`${where}: PGV rule ${kind}.${rule} is not checked by pgv-validator.ts`);
      if (rule === 'items' || rule === 'keys') refuseUncheckedRules(value as Rules, where);
    }
    if (objectAt(rules, kind) === undefined && kindRules !== undefined)
      throw new Error(`${where}: PGV rule ${kind} is not checked by pgv-validator.ts`);
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
