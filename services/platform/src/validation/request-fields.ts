import { InvalidArgumentError } from '../errors/domain-error.js';

/**
 * Checks for the identifiers and paging fields every API shares. Each failure names the
 * request field (as spelled in proto/) and says what a valid value looks like.
 */
const CODE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Customer ids, event codes, mission codes: 1-64 of letters, digits, '-' and '_'. */
export function requireCode(field: string, value: string): string {
  if (value === '') throw new InvalidArgumentError(field, 'is required');
  if (!CODE_PATTERN.test(value)) {
    throw new InvalidArgumentError(field, 'must be 1-64 characters of letters, digits, "-" or "_"');
  }
  return value;
}

export function requireUuid(field: string, value: string): string {
  if (value === '') throw new InvalidArgumentError(field, 'is required');
  if (!UUID_PATTERN.test(value)) throw new InvalidArgumentError(field, 'must be a UUID');
  return value.toLowerCase();
}

export interface PageRequest {
  size: number;
  /** Exclusive upper bound on the row sequence (pages go newest first); undefined for page one. */
  before?: number;
}

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

export function requirePage(pageSize: number, pageToken: string): PageRequest {
  if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
    throw new InvalidArgumentError('page_size', `must be between 0 and ${MAX_PAGE_SIZE} (0 means ${DEFAULT_PAGE_SIZE})`);
  }
  return { size: pageSize === 0 ? DEFAULT_PAGE_SIZE : pageSize, before: pageToken === '' ? undefined : decodePageToken(pageToken) };
}

/** Page tokens are opaque to clients; inside, a versioned row sequence (keyset paging). */
export function encodePageToken(before: number): string {
  return Buffer.from(`v1:${before}`).toString('base64url');
}

function decodePageToken(token: string): number {
  const match = /^v1:(\d{1,15})$/.exec(Buffer.from(token, 'base64url').toString());
  if (!match) throw new InvalidArgumentError('page_token', 'is not a token from a previous response');
  return Number(match[1]);
}
