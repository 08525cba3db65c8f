import type { ServiceModule } from '#platform/runtime/service-module';
import { deliveryModule } from '../../delivery/src/composition-root.js';
import { giftModule } from '../../gift/src/composition-root.js';
import { missionModule } from '../../mission/src/composition-root.js';
import { myPageModule } from '../../mypage/src/composition-root.js';
import { notificationModule } from '../../notification/src/composition-root.js';
import { rewardModule } from '../../reward/src/composition-root.js';
import { walletModule } from '../../wallet/src/composition-root.js';

/** Every service of the platform, in start order (consumers before the producers they follow). */
export const SERVICE_MODULES: readonly ServiceModule<never>[] = [
  myPageModule,
  notificationModule,
  deliveryModule,
  giftModule,
  rewardModule,
  walletModule,
  missionModule,
] as ServiceModule<never>[];
