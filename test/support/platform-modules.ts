/**
 * The services' composition roots for tests, from the launcher's table (one per entry of
 * services/contracts/service-catalog.ts): `MODULES_BY_NAME.<service>` or by its own name.
 */
import { MODULES_BY_NAME, SERVICE_MODULES } from '../../services/launcher/src/service-modules.js';

export { MODULES_BY_NAME, SERVICE_MODULES };
export const {
  mission: missionModule,
  reward: rewardModule,
  wallet: walletModule,
  gift: giftModule,
  delivery: deliveryModule,
  mypage: myPageModule,
  notification: notificationModule,
} = MODULES_BY_NAME;
