/** Which customer the page shows: kept in the address (#customer=11) and the ids used before on this device. */

const RECENT_KEY = 'my-page.recent-customers';
const MAX_RECENT = 8;

export function customerFromAddress(): string {
  return new URLSearchParams(location.hash.slice(1)).get('customer') ?? '';
}

export function showCustomerInAddress(customerId: string): void {
  history.replaceState(null, '', `#${new URLSearchParams({ customer: customerId })}`);
}

export function recentCustomers(): string[] {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(stored) ? stored.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return []; // storage disabled (private mode): no history, nothing breaks
  }
}

export function rememberCustomer(customerId: string): string[] {
  const recent = [customerId, ...recentCustomers().filter((id) => id !== customerId)].slice(0, MAX_RECENT);
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(recent));
  } catch {
    // see recentCustomers
  }
  return recent;
}
