import type { TestSystem } from './test-system.js';

/** Row counts of what the platform stores and announces: a refused call must change none. */
export async function snapshot(system: TestSystem): Promise<Record<string, number>> {
  const tables = [
    'mission.missions',
    'mission.outbox_events',
    'reward.rewards',
    'wallet.wallet_rewards',
    'wallet.exchanges',
    'gift.gifts',
    'gift.gift_orders',
    'gift.outbox_events',
    'delivery.deliveries',
    'delivery.outbox_events',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = await system.count(table);
  const [stock] = await system.query<{ stock: number; reserved: number }>(
    `select coalesce(sum(stock_count), 0)::int as stock, coalesce(sum(reserved_count), 0)::int as reserved from gift.gifts`,
  );
  counts['gift stock'] = stock.stock;
  counts['gift reserved'] = stock.reserved;
  const [delivered] = await system.query<{ n: number }>(`select count(*)::int as n from delivery.deliveries where status <> 'started'`);
  counts['deliveries not started'] = delivered.n;
  counts['notifications read'] = await system.count('notification.notifications', 'read_at is not null');
  counts['my pages'] = await system.count('mypage.pages');
  return counts;
}
