import { expect } from 'chai';
import { AccessPolicies, CallerRole } from '#platform/auth/access-policy';
import { loadDescriptorRegistry } from '../../services/gateway/src/descriptor/descriptor-registry.js';

/**
 * The access policy is declared beside every RPC in proto/ (option (game.platform.v1.access))
 * and read back here from the descriptor set `npm run gen` builds, the same bytes the services,
 * the gateway and Envoy derive their checks from. A new RPC without a policy fails this suite
 * (and is refused to every caller at run time: default deny).
 */
describe('access policy in proto/', () => {
  const policies = AccessPolicies.load();
  const platformPaths = policies.platformPaths();
  const policy = (path: string) => {
    const found = policies.forPath(path);
    if (!found) throw new Error(`${path} has no access policy`);
    return found;
  };

  it('enumerates the RPCs of every game.* service from the descriptor', () => {
    const services = new Set(platformPaths.map((path) => path.split('/')[1]));
    expect([...services].sort()).to.deep.equal([
      'game.delivery.v1.DeliveryService',
      'game.gift.v1.GiftService',
      'game.mission.v1.MissionService',
      'game.mypage.v1.MyPageService',
      'game.notification.v1.NotificationService',
      'game.platform.v1.EventReplayService',
      'game.platform.v1.ReadModelAdminService',
      'game.reward.v1.RewardService',
      'game.wallet.v1.WalletService',
    ]);
    expect(platformPaths.length).to.be.greaterThan(20);
  });

  it('declares a policy on every RPC, each allowing at least one known role', () => {
    const missing = platformPaths.filter((path) => !policies.forPath(path));
    expect(missing, 'RPCs without option (game.platform.v1.access)').to.deep.equal([]);
    for (const path of platformPaths) {
      const { allow } = policy(path);
      expect(allow, path).to.not.be.empty;
      expect(
        allow.filter((role) => role === CallerRole.CALLER_ROLE_UNSPECIFIED || role === CallerRole.UNRECOGNIZED),
        path,
      ).to.deep.equal([]);
    }
  });

  it('leaves health and reflection out of the platform paths (infrastructure, not platform data)', () => {
    expect(policies.isPlatform('/grpc.health.v1.Health/Check')).to.equal(false);
    expect(platformPaths.some((path) => path.startsWith('/grpc.'))).to.equal(false);
  });

  it('makes a player own every customer_id their request names', () => {
    const registry = loadDescriptorRegistry();
    for (const path of platformPaths) {
      const { allow, playerOwnsField } = policy(path);
      const [, serviceName, methodName] = path.split('/');
      const service = registry.getService(serviceName);
      const method = service?.methods.find((m) => m.name === methodName);
      const namesCustomer = method?.input.fields.some((field) => field.name === 'customer_id');
      if (allow.includes(CallerRole.CALLER_ROLE_PLAYER) && namesCustomer) expect(playerOwnsField, path).to.equal('customer_id');
      if (playerOwnsField) expect(allow, `${path} names an owned field but allows no player`).to.include(CallerRole.CALLER_ROLE_PLAYER);
    }
  });

  it('follows the issue: game server achieves, courier completes, services reserve and administer, operators keep the catalog', () => {
    const only = (path: string) => [...policy(path).allow];
    expect(only('/game.mission.v1.MissionService/AchieveMission')).to.deep.equal([CallerRole.CALLER_ROLE_GAME_SERVER]);
    expect(only('/game.delivery.v1.DeliveryService/CompleteDelivery')).to.deep.equal([CallerRole.CALLER_ROLE_COURIER]);
    for (const path of [
      '/game.gift.v1.GiftService/ReserveGift',
      '/game.platform.v1.EventReplayService/ReplayEvents',
      '/game.platform.v1.ReadModelAdminService/ResetReadModel',
    ]) {
      expect(only(path), path).to.deep.equal([CallerRole.CALLER_ROLE_SERVICE]);
    }
    for (const path of ['/game.gift.v1.GiftService/CreateGift', '/game.gift.v1.GiftService/SetGiftStock'])
      expect(only(path), path).to.deep.equal([CallerRole.CALLER_ROLE_OPERATOR]);
    expect(
      platformPaths.filter((path) => policy(path).allow.includes(CallerRole.CALLER_ROLE_PUBLIC)),
      'public RPCs',
    ).to.deep.equal([]);
  });

  it('rate-limits the writes the edge limits: exchange, cancel, mark read and AchieveMission', () => {
    expect(platformPaths.filter((path) => policy(path).rateLimited).sort()).to.deep.equal([
      '/game.gift.v1.GiftService/CancelGiftOrder',
      '/game.mission.v1.MissionService/AchieveMission',
      '/game.notification.v1.NotificationService/MarkNotificationsRead',
      '/game.wallet.v1.WalletService/ExchangeReward',
    ]);
  });

  it('gives the owned field its JSON name too, for REST bodies and ts-proto requests', () => {
    expect(policy('/game.wallet.v1.WalletService/GetWallet').playerOwnsJsonField).to.equal('customerId');
  });
});
