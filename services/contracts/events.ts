/**
 * The catalog of domain events: each protobuf event message with its routing key
 * (`<context>.<past-verb>`). Publishers and consumers both import from here, so a name or key
 * cannot drift between them.
 */
import { defineEvent } from '../platform/src/events/event-type.js';
import { MissionAchieved, MissionRewarded } from './generated/game/mission/v1/mission_events.js';
import { RewardIssued } from './generated/game/reward/v1/reward_events.js';
import { WalletCredited } from './generated/game/wallet/v1/wallet_events.js';

export const missionAchieved = defineEvent('game.mission.v1.MissionAchieved', 'mission.achieved', MissionAchieved);
export const missionRewarded = defineEvent('game.mission.v1.MissionRewarded', 'mission.rewarded', MissionRewarded);
export const rewardIssued = defineEvent('game.reward.v1.RewardIssued', 'reward.issued', RewardIssued);
export const walletCredited = defineEvent('game.wallet.v1.WalletCredited', 'wallet.credited', WalletCredited);
