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
export function requirePlainText(message: unknown, path = ''): void {
  if (typeof message === 'string') {
    if (CONTROL.test(message)) throw new InvalidArgumentError(path || 'request', 'must not contain control characters');
    return;
  }
  if (Array.isArray(message)) {
    for (const [index, item] of message.entries()) requirePlainText(item, `${path}[${index}]`);
    return;
  }
  if (message === null || typeof message !== 'object' || message instanceof Uint8Array || message instanceof Date) return;
  for (const [key, value] of Object.entries(message)) requirePlainText(value, path ? `${path}.${protoName(key)}` : protoName(key));
}
