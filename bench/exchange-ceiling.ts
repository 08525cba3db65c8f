/**
 * The exchange's ceiling for bench/run-exchange-bench.ts: the same job as ONE local transaction
 * through the same driver (postgres-js) at the same concurrency: lock the reward, take one unit
 * of the gift's stock (the guarded UPDATE the gift shop runs), insert the order, spend the
 * reward. On copies of the wallet's and the gift shop's tables (`like ... including all`: same
 * columns, defaults, checks and indexes) in a schema of its own, so the platform's rows are
 * untouched; the stock is spread over the same number of gifts as the platform's run.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';

const SCHEMA = 'bench_exchange_ceiling';

export interface CeilingRun {
  readonly exchanges: number;
  readonly seconds: number;
  readonly latencies: number[];
}

export class ExchangeCeiling {
  private constructor(private readonly sql: postgres.Sql) {}

  /** Tables copied from the platform's (their schemas must exist: start wallet and gift first). */
  static async create(databaseUrl: string, poolSize: number, gifts: readonly string[]): Promise<ExchangeCeiling> {
    const sql = postgres(databaseUrl, { max: poolSize, onnotice: () => {} });
    await sql.unsafe(`drop schema if exists ${SCHEMA} cascade; create schema ${SCHEMA};
      create table ${SCHEMA}.wallet_rewards (like wallet.wallet_rewards including all);
      create table ${SCHEMA}.gifts (like gift.gifts including all);
      create table ${SCHEMA}.gift_orders (like gift.gift_orders including all);`);
    for (const giftId of gifts)
      await sql`insert into ${sql(SCHEMA)}.gifts (gift_id, name, stock_count, reserved_count, created_at, updated_at)
        values (${giftId}, ${giftId}, 1000000, 0, now(), now())`;
    return new ExchangeCeiling(sql);
  }

  /** `count` rewards in wallets, as the platform's run has them. */
  async prepare(count: number, prefix: string): Promise<{ customerId: string; rewardId: string }[]> {
    const rewards = Array.from({ length: count }, (_, i) => ({ customerId: `${prefix}-${i}`, rewardId: randomUUID() }));
    for (let at = 0; at < rewards.length; at += 1000) {
      const chunk = rewards.slice(at, at + 1000);
      await this.sql`insert into ${this.sql(SCHEMA)}.wallet_rewards (reward_id, customer_id, mission_id, status, added_at)
        select reward_id, customer_id, gen_random_uuid(), 'available', now()
        from unnest(${chunk.map((r) => r.rewardId)}::uuid[], ${chunk.map((r) => r.customerId)}::text[]) as r(reward_id, customer_id)`;
    }
    return rewards;
  }

  /** One exchange, one transaction. */
  exchange(reward: { customerId: string; rewardId: string }, giftId: string): Promise<unknown> {
    const s = this.sql;
    const orderId = randomUUID();
    return s.begin(async (tx) => {
      const [held] = await tx`select customer_id from ${s(SCHEMA)}.wallet_rewards
        where reward_id = ${reward.rewardId} and status = 'available' for update`;
      if (!held) throw new Error('reward not in the wallet');
      const [taken] = await tx`update ${s(SCHEMA)}.gifts set reserved_count = reserved_count + 1, updated_at = now()
        where gift_id = ${giftId} and reserved_count < stock_count returning name`;
      if (!taken) throw new Error('out of stock');
      await tx`insert into ${s(SCHEMA)}.gift_orders
        (order_id, customer_id, gift_id, gift_name, reward_id, status, stock_state, reserved_until, placed_at, updated_at)
        values (${orderId}, ${reward.customerId}, ${giftId}, ${taken.name}, ${reward.rewardId}, 'reserved', 'reserved', now() + interval '15 minutes', now(), now())`;
      await tx`update ${s(SCHEMA)}.wallet_rewards set status = 'spent', order_id = ${orderId} where reward_id = ${reward.rewardId}`;
    });
  }

  async close(): Promise<void> {
    await this.sql.unsafe(`drop schema if exists ${SCHEMA} cascade`);
    await this.sql.end();
  }
}
