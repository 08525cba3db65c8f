/**
 * google.api.http path templates, parsed and matched the way Envoy's transcoder
 * (grpc-httpjson-transcoding) does:
 *
 *   Template = "/" Segments [ Verb ] ;   Segment  = "*" | "**" | LITERAL | Variable ;
 *   Variable = "{" FieldPath [ "=" Segments ] "}" ;   Verb = ":" LITERAL ;
 *
 * A request's custom verb is whatever follows the last ':' of its last segment (Envoy's
 * default, match_unregistered_custom_verb off), so an id ending in ":x" is not a route.
 */
export type Segment = { readonly kind: 'literal'; readonly value: string } | { readonly kind: 'wildcard' } | { readonly kind: 'deep' };

export interface TemplateVariable {
  /** Proto field names from the request message down, e.g. ['book', 'name']. */
  readonly fieldPath: readonly string[];
  readonly start: number;
  /** Exclusive end segment; undefined when the variable ends in '**' (to the end of the path). */
  readonly end: number | undefined;
}

export interface PathTemplate {
  readonly source: string;
  readonly segments: readonly Segment[];
  readonly verb: string;
  readonly variables: readonly TemplateVariable[];
}

export class TemplateSyntaxError extends Error {
  override readonly name = 'TemplateSyntaxError';
  constructor(template: string, reason: string) {
    super(`invalid path template "${template}": ${reason}`);
  }
}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function parsePathTemplate(source: string): PathTemplate {
  if (!source.startsWith('/')) throw new TemplateSyntaxError(source, 'must start with "/"');
  const { parts, verb } = splitTopLevel(source.slice(1), source);
  const segments: Segment[] = [];
  const variables: TemplateVariable[] = [];
  for (const part of parts) {
    if (part.startsWith('{')) {
      if (!part.endsWith('}')) throw new TemplateSyntaxError(source, `unclosed variable in "${part}"`);
      const inner = part.slice(1, -1);
      const eq = inner.indexOf('=');
      const fieldPath = eq === -1 ? inner : inner.slice(0, eq);
      if (!FIELD_PATH.test(fieldPath)) throw new TemplateSyntaxError(source, `bad field path "${fieldPath}"`);
      const sub = eq === -1 ? ['*'] : inner.slice(eq + 1).split('/');
      const start = segments.length;
      for (const piece of sub) segments.push(plainSegment(piece, source));
      const endsDeep = segments[segments.length - 1].kind === 'deep';
      variables.push({ fieldPath: fieldPath.split('.'), start, end: endsDeep ? undefined : segments.length });
    } else {
      segments.push(plainSegment(part, source));
    }
  }
  const deepAt = segments.findIndex((segment) => segment.kind === 'deep');
  if (deepAt !== -1 && deepAt !== segments.length - 1) throw new TemplateSyntaxError(source, '"**" must be the last segment');
  return { source, segments, verb, variables };
}

function plainSegment(piece: string, source: string): Segment {
  if (piece === '*') return { kind: 'wildcard' };
  if (piece === '**') return { kind: 'deep' };
  if (piece === '' || /[{}*=]/.test(piece)) throw new TemplateSyntaxError(source, `bad segment "${piece}"`);
  return { kind: 'literal', value: piece };
}

/** Splits on '/' outside braces and takes the verb off the last segment. */
function splitTopLevel(body: string, source: string): { parts: string[]; verb: string } {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  let verb = '';
  for (let i = 0; i < body.length; i += 1) {
    const char = body[i];
    if (char === '{') depth += 1;
    if (char === '}') depth -= 1;
    if (depth < 0 || depth > 1) throw new TemplateSyntaxError(source, 'unbalanced braces');
    if (depth === 0 && char === '/') {
      parts.push(current);
      current = '';
    } else if (depth === 0 && char === ':') {
      verb = body.slice(i + 1);
      if (verb === '' || /[/{}:]/.test(verb)) throw new TemplateSyntaxError(source, `bad verb "${verb}"`);
      break;
    } else {
      current += char;
    }
  }
  if (depth !== 0) throw new TemplateSyntaxError(source, 'unbalanced braces');
  parts.push(current);
  return { parts, verb };
}

/** A request path as the matcher sees it: raw (still escaped) segments and the verb. */
export interface RequestPath {
  readonly parts: readonly string[];
  readonly verb: string;
}

export function splitRequestPath(path: string): RequestPath {
  let verb = '';
  let rest = path;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon !== -1 && lastColon > rest.lastIndexOf('/')) {
    verb = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
  }
  const parts = rest.replace(/^\//, '').split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return { parts, verb };
}

export interface PathBinding {
  readonly fieldPath: readonly string[];
  readonly value: string;
}

/** The variable bindings when the template matches the request path, else undefined. */
export function matchTemplate(template: PathTemplate, request: RequestPath): PathBinding[] | undefined {
  if (template.verb !== request.verb) return undefined;
  const { segments } = template;
  const { parts } = request;
  const deep = segments.length > 0 && segments[segments.length - 1].kind === 'deep';
  if (deep ? parts.length < segments.length - 1 : parts.length !== segments.length) return undefined;
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i];
    if (segment.kind === 'deep') break;
    if (segment.kind === 'literal' && segment.value !== parts[i]) return undefined;
  }
  return template.variables.map((variable) => {
    const end = variable.end ?? parts.length;
    const multipart = end - variable.start > 1 || variable.end === undefined;
    // As Envoy: one segment is unescaped whole; several keep reserved characters (e.g. %2F) escaped.
    const value = parts
      .slice(variable.start, end)
      .map((part) => unescapeUrl(part, !multipart))
      .join('/');
    return { fieldPath: variable.fieldPath, value };
  });
}

/**
 * Specificity order for templates sharing a method: literal before '*' before '**', segment by
 * segment (what the transcoder's trie prefers). Negative when `a` wins.
 */
export function compareSpecificity(a: PathTemplate, b: PathTemplate): number {
  const rank = (segment: Segment | undefined) =>
    segment === undefined ? 3 : segment.kind === 'literal' ? 0 : segment.kind === 'wildcard' ? 1 : 2;
  for (let i = 0; i < Math.max(a.segments.length, b.segments.length); i += 1) {
    const diff = rank(a.segments[i]) - rank(b.segments[i]);
    if (diff !== 0) return diff;
  }
  return 0;
}

const RESERVED = new Set("!#$&'()*+,/:;=?@[]");

/**
 * Percent-decoding as the transcoder does it: invalid escapes stay as they are, '+' stays '+',
 * and reserved characters stay escaped unless asked otherwise.
 */
export function unescapeUrl(text: string, unescapeReserved: boolean): string {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (text[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      const code = parseInt(text.slice(i + 1, i + 3), 16);
      if (unescapeReserved || !RESERVED.has(String.fromCharCode(code))) {
        bytes.push(code);
        i += 3;
        continue;
      }
    }
    const char = String.fromCodePoint(text.codePointAt(i) as number);
    for (const byte of Buffer.from(char)) bytes.push(byte);
    i += char.length;
  }
  return Buffer.from(bytes).toString('utf8');
}
