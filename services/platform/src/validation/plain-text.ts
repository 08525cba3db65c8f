import { InvalidArgumentError } from '../errors/domain-error.js';

/**
 * Control characters (C0 but tab, line feed and carriage return; DEL; C1) have no place in any
 * text this platform stores or shows, and NUL is refused by Postgres itself (a 500 if it gets
 * that far). Every request is checked before its handler runs, so no field can be forgotten.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** camelCase (ts-proto's field names) back to the proto field name clients know. */
function protoName(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** Throws INVALID_ARGUMENT naming the first string field (path as in proto) holding one. */
export function requirePlainText(message: unknown): void {
  const at = firstControlText(message);
  if (at !== undefined) throw new InvalidArgumentError(at || 'request', 'must not contain control characters');
}

/**
 * Where the first string holding a control character is, as a path below `message` ('' for
 * `message` itself), or undefined when there is none. The path is only built on the way back
 * from a bad string: every request passes through here, and naming each field it walked (a
 * pattern replace per key) was a measurable part of a GetMyPage call.
 */
function firstControlText(message: unknown): string | undefined {
  if (typeof message === 'string') return CONTROL.test(message) ? '' : undefined;
  if (Array.isArray(message)) {
    for (let index = 0; index < message.length; index += 1) {
      const below = firstControlText(message[index]);
      if (below !== undefined) return under(`[${index}]`, below);
    }
    return undefined;
  }
  if (message === null || typeof message !== 'object' || message instanceof Uint8Array || message instanceof Date) return undefined;
  for (const [key, value] of Object.entries(message)) {
    const below = firstControlText(value);
    if (below !== undefined) return under(protoName(key), below);
  }
  return undefined;
}

/** A path below a step: `items` + `[0]` is `items[0]`, `items` + `name` is `items.name`. */
function under(step: string, below: string): string {
  return below === '' || below.startsWith('[') ? `${step}${below}` : `${step}.${below}`;
}
