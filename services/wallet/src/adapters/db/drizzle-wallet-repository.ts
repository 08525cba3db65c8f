import { and, asc, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import { BuiltQuery, placeholders } from '#platform/db/built-query';
import { rowsOf, type Transaction } from '#platform/db/database';
import type { TransactionScope } from '#platform/db/transaction-scope';
import { appendToOutbox } from '#platform/outbox/outbox-writer';
import { Exchange, type ExchangeState } from '../../domain/exchange.js';
import type { WalletRepository } from '../../domain/wallet-repository.js';
import { WalletReward, type WalletRewardEvent, type WalletRewardState } from '../../domain/wallet-reward.js';
import type { ExchangeStore, WalletRewardStore, WalletStores, WalletUnitOfWork } from '../../domain/wallet-unit-of-work.js';
import { toOutboxEvent } from '../messaging/wallet-event-mapper.js';
import { exchanges, outboxEvents, rewardPayments, walletRewards } from './wallet-schema.js';

/** GetWallet's read (see BuiltQuery): a customer's rewards, newest first. */
const REWARDS_OF_CUSTOMER = new BuiltQuery('wallet_rewards_of_customer', (executor) =>
  executor
    .select()
    .from(walletRewards)
    .where(eq(walletRewards.customerId, sql.placeholder('customerId')))
    .orderBy(desc(walletRewards.seq)),
);

/*
 * The exchange's locks and saves, each built once (see BuiltQuery): every exchange runs them in
 * its two transactions.
 */
const LOCK_REWARD = new BuiltQuery('wallet_lock_reward', (executor) =>
  executor
    .select()
    .from(walletRewards)
    .where(eq(walletRewards.rewardId, sql.placeholder('rewardId')))
    .for('update'),
);
const SAVE_REWARD = new BuiltQuery('wallet_save_reward', (executor) =>
  executor
    .update(walletRewards)
    .set(placeholders('status', 'orderId'))
    .where(eq(walletRewards.rewardId, sql.placeholder('rewardId'))),
);
const RECORD_PAYMENT = new BuiltQuery('wallet_record_payment', (executor) =>
  executor
    .insert(rewardPayments)
    .values(placeholders('orderId', 'rewardId', 'customerId', 'giftId', 'spentAt'))
    .onConflictDoNothing(),
);
const LOCK_EXCHANGE = new BuiltQuery('wallet_lock_exchange', (executor) =>
  executor
    .select()
    .from(exchanges)
    .where(and(eq(exchanges.customerId, sql.placeholder('customerId')), eq(exchanges.idempotencyKey, sql.placeholder('idempotencyKey'))))
    .for('update'),
);
const EXCHANGE_CHANGES = placeholders('rewardId', 'giftId', 'orderId', 'status', 'failureReason', 'requestedAt', 'updatedAt');
const SAVE_EXCHANGE = new BuiltQuery('wallet_save_exchange', (executor) =>
  executor
    .insert(exchanges)
    .values({ ...placeholders('customerId', 'idempotencyKey'), ...EXCHANGE_CHANGES })
    .onConflictDoUpdate({ target: [exchanges.customerId, exchanges.idempotencyKey], set: EXCHANGE_CHANGES }),
);

/** The wallet in Postgres. Every save stores the entity's new events in the outbox with it. */
export class DrizzleWalletRepository implements WalletRepository {
  constructor(private readonly scope: TransactionScope) {}

  addRewards(rewards: readonly WalletReward[]): Promise<number> {
    if (rewards.length === 0) return Promise.resolve(0);
    // The rows as one json parameter: one prepared statement for any batch size.
    const json = JSON.stringify(
      rewards.map(({ state }) => ({
        reward_id: state.rewardId,
        customer_id: state.customerId,
        mission_id: state.missionId,
        status: state.status,
        order_id: state.orderId ?? null,
        added_at: state.addedAt.toISOString(),
      })),
    );
    return this.scope.write(async (tx) => {
      const inserted = rowsOf<{ rewardId: string }>(
        await tx.execute(sql`insert into ${walletRewards} (reward_id, customer_id, mission_id, status, order_id, added_at)
          select v.reward_id, v.customer_id, v.mission_id, v.status::wallet.wallet_reward_status, v.order_id, v.added_at
          from json_to_recordset(${json}::json)
            as v(reward_id uuid, customer_id text, mission_id uuid, status text, order_id uuid, added_at timestamptz)
          on conflict do nothing
          returning reward_id::text as "rewardId"`),
      );
      const stored = new Set(inserted.map((row) => row.rewardId));
      const events = rewards.filter((reward) => stored.has(reward.state.rewardId)).flatMap((reward) => reward.pullEvents());
      await appendToOutbox(tx, outboxEvents, events.map(toOutboxEvent));
      return stored.size;
    });
  }

  updateReward(rewardId: string, change: (reward: WalletReward) => void): Promise<WalletReward | undefined> {
    return this.scope.write(async (tx) => {
      const rewards = new DrizzleRewardStore(tx);
      const reward = await rewards.lock(rewardId);
      if (!reward) return undefined;
      change(reward);
      await rewards.save(reward);
      return reward;
    });
  }

  async rewardsOf(customerId: string): Promise<WalletRewardState[]> {
    const rows = await REWARDS_OF_CUSTOMER.run(this.scope.reader, { customerId });
    return rows.map(rewardFromRow);
  }

  async findExchange(customerId: string, idempotencyKey: string): Promise<ExchangeState | undefined> {
    const [row] = await this.scope.reader
      .select()
      .from(exchanges)
      .where(and(eq(exchanges.customerId, customerId), eq(exchanges.idempotencyKey, idempotencyKey)));
    return row ? exchangeFromRow(row) : undefined;
  }

  async stalledExchanges(olderThan: Date, limit: number): Promise<ExchangeState[]> {
    const rows = await this.scope.reader
      .select()
      .from(exchanges)
      .where(and(eq(exchanges.status, 'pending'), lt(exchanges.updatedAt, olderThan)))
      .orderBy(asc(exchanges.updatedAt))
      .limit(limit);
    return rows.map(exchangeFromRow);
  }
}

/** A reward and its exchange in one Postgres transaction (the request's, or the consumer's). */
export class DrizzleWalletUnitOfWork implements WalletUnitOfWork {
  constructor(private readonly scope: TransactionScope) {}

  run<T>(work: (stores: WalletStores) => Promise<T>): Promise<T> {
    return this.scope.write((tx) => work({ rewards: new DrizzleRewardStore(tx), exchanges: new DrizzleExchangeStore(tx) }));
  }
}

class DrizzleRewardStore implements WalletRewardStore {
  constructor(private readonly tx: Transaction) {}

  async lock(rewardId: string): Promise<WalletReward | undefined> {
    const [row] = await LOCK_REWARD.run(this.tx, { rewardId });
    return row ? WalletReward.restore(rewardFromRow(row)) : undefined;
  }

  async save(reward: WalletReward): Promise<void> {
    const { status, orderId } = reward.state;
    await SAVE_REWARD.run(this.tx, { status, orderId: orderId ?? null, rewardId: reward.state.rewardId });
    const events = reward.pullEvents();
    await this.recordPayments(events);
    await appendToOutbox(this.tx, outboxEvents, events.map(toOutboxEvent));
  }

  /** The ledger follows the spends and returns the reward announces. */
  private async recordPayments(events: readonly WalletRewardEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'reward-spent' && event.reward.orderId) {
        const { rewardId, customerId, orderId } = event.reward;
        await RECORD_PAYMENT.run(this.tx, { orderId, rewardId, customerId, giftId: event.giftId, spentAt: event.at });
      } else if (event.type === 'reward-returned') {
        await this.tx
          .update(rewardPayments)
          .set({ returnedAt: event.at, returnReason: event.reason })
          .where(and(eq(rewardPayments.orderId, event.orderId), isNull(rewardPayments.returnedAt)));
      }
    }
  }
}

class DrizzleExchangeStore implements ExchangeStore {
  constructor(private readonly tx: Transaction) {}

  async lock(customerId: string, idempotencyKey: string): Promise<Exchange | undefined> {
    const [row] = await LOCK_EXCHANGE.run(this.tx, { customerId, idempotencyKey });
    return row ? Exchange.restore(exchangeFromRow(row)) : undefined;
  }

  async save(exchange: Exchange): Promise<void> {
    await SAVE_EXCHANGE.run(this.tx, exchangeToRow(exchange.state));
    await appendToOutbox(this.tx, outboxEvents, exchange.pullEvents().map(toOutboxEvent));
  }
}

type RewardRow = typeof walletRewards.$inferSelect;
type ExchangeRow = typeof exchanges.$inferSelect;

export function rewardFromRow({ seq: _seq, orderId, ...row }: RewardRow): WalletRewardState {
  return { ...row, orderId: orderId ?? undefined };
}

function exchangeToRow(state: ExchangeState): typeof exchanges.$inferInsert {
  return { ...state, failureReason: state.failureReason ?? null };
}

function exchangeFromRow({ failureReason, ...row }: ExchangeRow): ExchangeState {
  return { ...row, failureReason: failureReason ?? undefined };
}
