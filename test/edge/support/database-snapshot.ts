import { PUBLISHERS } from '#contracts/service-catalog';
import type { TestSystem } from '#testing/test-system';

/** Every table a public RPC can write, schema-qualified. */
const DOMAIN_TABLES = [
  'mission.missions',
  'reward.rewards',
  'wallet.wallet_rewards',
  'wallet.exchanges',
  'gift.gifts',
  'gift.gift_orders',
  'delivery.deliveries',
];
const OUTBOXES = PUBLISHERS.map((schema) => `${schema}.outbox_events`);

/**
 * Row counts (system.count) and a digest of every row's content for the domain tables, and the
 * row count of each outbox (its rows' published_at moves as the relay works, so only the count
 * is stable). Equal snapshots before and after a refused request: nothing was written or announced.
 */
export async function databaseSnapshot(system: TestSystem): Promise<Record<string, string | number>> {
  const snapshot: Record<string, string | number> = {};
  for (const table of DOMAIN_TABLES) {
    snapshot[`${table} rows`] = await system.count(table);
    const [row] = await system.query<{ digest: string }>(
      `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from ${table} t`,
    );
    snapshot[`${table} content`] = row.digest;
  }
  for (const table of OUTBOXES) snapshot[`${table} rows`] = await system.count(table);
  return snapshot;
}
