import {
  type Wallet as WalletMessage,
  WalletRewardStatus,
  WalletServiceService,
  type WalletServiceServer,
} from '../../../../contracts/generated/game/wallet/v1/wallet_service.js';
import type { GrpcServiceBinding } from '../../../../platform/src/grpc/grpc-server.js';
import { unary } from '../../../../platform/src/grpc/unary-handler.js';
import type { Logger } from '../../../../platform/src/logging/logger.js';
import type { GetWallet } from '../../application/get-wallet.js';
import type { Wallet } from '../../domain/wallet.js';
import type { WalletRewardState } from '../../domain/wallet-reward.js';

/** The gRPC inbound adapter of the wallet service. */
export function walletGrpcService(useCases: { getWallet: GetWallet }, logger: Logger): GrpcServiceBinding {
  const implementation: WalletServiceServer = {
    getWallet: unary(logger, async (request) => toMessage(await useCases.getWallet.execute(request))),
  };
  return { name: 'game.wallet.v1.WalletService', definition: WalletServiceService, implementation };
}

const STATUS: Record<WalletRewardState['status'], WalletRewardStatus> = {
  available: WalletRewardStatus.WALLET_REWARD_STATUS_AVAILABLE,
  spent: WalletRewardStatus.WALLET_REWARD_STATUS_SPENT,
};

function toMessage(wallet: Wallet): WalletMessage {
  return {
    customerId: wallet.customerId,
    availableCount: wallet.availableCount,
    rewards: wallet.rewards.map((reward) => ({
      rewardId: reward.rewardId,
      missionId: reward.missionId,
      status: STATUS[reward.status],
      addedAt: reward.addedAt,
    })),
  };
}
