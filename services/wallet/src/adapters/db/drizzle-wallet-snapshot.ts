import { asc, eq, gt } from 'drizzle-orm';
import type { Database } from '#platform/db/database';
import { restated, type StateSnapshot, snapshotPage } from '#platform/outbox/snapshot-replay';
import { tableSnapshot } from '#platform/outbox/table-snapshot';
import { eventsStating, eventsStatingPayment } from '../../domain/wallet-reward.js';
import { toOutboxEvent } from '../messaging/wallet-event-mapper.js';
import { rewardFromRow } from './drizzle-wallet-repository.js';
import { rewardPayments, walletRewards } from './wallet-schema.js';

/** Every reward in a wallet as WalletCredited, in primary-key order. */
export function walletRewardSnapshot(db: Database): StateSnapshot {
  return tableSnapshot(db, walletRewards, walletRewards.rewardId, (row) =>
    eventsStating(rewardFromRow(row)).map((event) => restated(toOutboxEvent(event))),
  );
}

/**
 * Every payment as RewardSpent (and RewardReturned once given back), in order-id order. One
 * reward can pay for several orders over time, so each fact is keyed by its order.
 */
export function rewardPaymentSnapshot(db: Database): StateSnapshot {
  return {
    async page(after, limit) {
      const rows = await db
        .select({ payment: rewardPayments, reward: walletRewards })
        .from(rewardPayments)
        .innerJoin(walletRewards, eq(walletRewards.rewardId, rewardPayments.rewardId))
        .where(after === undefined ? undefined : gt(rewardPayments.orderId, after))
        .orderBy(asc(rewardPayments.orderId))
        .limit(limit);
      return snapshotPage(
        rows,
        limit,
        (row) => row.payment.orderId,
        ({ payment, reward }) =>
          eventsStatingPayment(rewardFromRow(reward), {
            orderId: payment.orderId,
            giftId: payment.giftId,
            spentAt: payment.spentAt,
            returnedAt: payment.returnedAt ?? undefined,
            returnReason: payment.returnReason ?? undefined,
          }).map((event) => restated(toOutboxEvent(event), payment.orderId)),
      );
    },
  };
}
