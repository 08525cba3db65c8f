/** Where the wallet reports how exchanges end (the metrics adapter counts them). */
export interface ExchangeOutcomes {
  completed(): void;
  /** `reason` is the failure's stable code (OUT_OF_STOCK, GIFT_SHOP_UNAVAILABLE, ...). */
  failed(reason: string): void;
}

export const IGNORE_OUTCOMES: ExchangeOutcomes = { completed: () => {}, failed: () => {} };
