export { deliveryModule } from '../../services/delivery/src/composition-root.js';
export { giftModule } from '../../services/gift/src/composition-root.js';
export { missionModule } from '../../services/mission/src/composition-root.js';
export { myPageModule } from '../../services/mypage/src/composition-root.js';
export { notificationModule } from '../../services/notification/src/composition-root.js';
export { rewardModule } from '../../services/reward/src/composition-root.js';
export { walletModule } from '../../services/wallet/src/composition-root.js';
