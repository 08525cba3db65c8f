import { type ServiceName, START_ORDER } from '#contracts/service-catalog';
import type { ServiceModule } from '#platform/runtime/service-module';
import { deliveryModule } from '../../delivery/src/composition-root.js';
import { giftModule } from '../../gift/src/composition-root.js';
import { missionModule } from '../../mission/src/composition-root.js';
import { myPageModule } from '../../mypage/src/composition-root.js';
import { notificationModule } from '../../notification/src/composition-root.js';
import { rewardModule } from '../../reward/src/composition-root.js';
import { walletModule } from '../../wallet/src/composition-root.js';

/**
 * The composition root of every service of the catalog (services/contracts/service-catalog.ts):
 * a service added there and not here is a type error.
 */
export const MODULES_BY_NAME = {
  mission: missionModule,
  reward: rewardModule,
  wallet: walletModule,
  gift: giftModule,
  delivery: deliveryModule,
  mypage: myPageModule,
  notification: notificationModule,
} as const satisfies { readonly [Name in ServiceName]: ServiceModule<never> };

/** Every service of the platform, in the catalog's start order (consumers before the producers they follow). */
export const SERVICE_MODULES: readonly ServiceModule<never>[] = START_ORDER.map((name) => MODULES_BY_NAME[name] as ServiceModule<never>);
