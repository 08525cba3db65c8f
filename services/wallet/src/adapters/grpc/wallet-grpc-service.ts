import {
  type Exchange as ExchangeMessage,
  ExchangeStatus,
  type Wallet as WalletMessage,
  WalletRewardStatus,
  type WalletServiceServer,
  WalletServiceService,
} from '#contracts/generated/game/wallet/v1/wallet_service';
import { callerOf } from '#platform/auth/auth-interceptor';
import type { GrpcServiceBinding } from '#platform/grpc/grpc-server';
import { serviceNameOf } from '#platform/grpc/service-name';
import { unary } from '#platform/grpc/unary-handler';
import type { Logger } from '#platform/logging/logger';
import type { ExchangeReward } from '../../application/exchange-reward.js';
import type { GetWallet } from '../../application/get-wallet.js';
import type { ExchangeState } from '../../domain/exchange.js';
import type { Wallet } from '../../domain/wallet.js';
import type { WalletRewardState } from '../../domain/wallet-reward.js';

/** The gRPC inbound adapter of the wallet service. */
export function walletGrpcService(useCases: { getWallet: GetWallet; exchangeReward: ExchangeReward }, logger: Logger): GrpcServiceBinding {
  const implementation: WalletServiceServer = {
    getWallet: unary(logger, async (request, call) => toWalletMessage(await useCases.getWallet.execute(request, callerOf(call)))),
    exchangeReward: unary(logger, async (request, call) =>
      toExchangeMessage(await useCases.exchangeReward.execute(request, callerOf(call))),
    ),
  };
  return { name: serviceNameOf(WalletServiceService), definition: WalletServiceService, implementation };
}

const REWARD_STATUS: Record<WalletRewardState['status'], WalletRewardStatus> = {
  available: WalletRewardStatus.WALLET_REWARD_STATUS_AVAILABLE,
  held: WalletRewardStatus.WALLET_REWARD_STATUS_HELD,
  spent: WalletRewardStatus.WALLET_REWARD_STATUS_SPENT,
};

const EXCHANGE_STATUS: Record<ExchangeState['status'], ExchangeStatus> = {
  pending: ExchangeStatus.EXCHANGE_STATUS_PENDING,
  completed: ExchangeStatus.EXCHANGE_STATUS_COMPLETED,
  failed: ExchangeStatus.EXCHANGE_STATUS_FAILED,
};

function toWalletMessage(wallet: Wallet): WalletMessage {
  return {
    customerId: wallet.customerId,
    availableCount: wallet.availableCount,
    rewards: wallet.rewards.map((reward) => ({
      rewardId: reward.rewardId,
      missionId: reward.missionId,
      status: REWARD_STATUS[reward.status],
      addedAt: reward.addedAt,
      orderId: reward.orderId ?? '',
    })),
  };
}

function toExchangeMessage(exchange: ExchangeState): ExchangeMessage {
  return {
    idempotencyKey: exchange.idempotencyKey,
    customerId: exchange.customerId,
    rewardId: exchange.rewardId,
    giftId: exchange.giftId,
    orderId: exchange.orderId,
    status: EXCHANGE_STATUS[exchange.status],
    requestedAt: exchange.requestedAt,
  };
}
