import { InvalidArgumentError } from '#platform/errors/domain-error';

/** Checks for the gift service's own request fields; each failure names the field. */
export const MAX_GIFT_NAME_LENGTH = 200;
export const MAX_STOCK_COUNT = 1_000_000;

/** 1-200 characters (counted as Unicode code points), not only white space. */
export function requireGiftName(field: string, value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError(field, 'is required');
  if ([...value].length > MAX_GIFT_NAME_LENGTH) throw new InvalidArgumentError(field, `must be at most ${MAX_GIFT_NAME_LENGTH} characters`);
  return value;
}

export function requireStockCount(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_STOCK_COUNT) {
    throw new InvalidArgumentError(field, `must be between 0 and ${MAX_STOCK_COUNT.toLocaleString('en-US')}`);
  }
  return value;
}
