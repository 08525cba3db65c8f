import { type ServiceName, START_ORDER } from '#contracts/service-catalog';
import type { ServiceModule } from '#platform/runtime/service-module';
import { MODULES_BY_NAME } from '../../services/launcher/src/service-modules.js';
import type { ServiceInstance, TestSystem } from './test-system.js';

/** The services a reward and a gift exchange pass through, from the mission to the delivery. */
export const EXCHANGE_CHAIN = ['mission', 'reward', 'wallet', 'gift', 'delivery'] as const satisfies readonly ServiceName[];

type OverridesOf<M> = M extends ServiceModule<infer Overrides> ? Overrides : never;

/** Per service, what its composition root is to replace (a clock, a config value, an adapter). */
export type PlatformOverrides = { readonly [Name in ServiceName]?: Partial<OverridesOf<(typeof MODULES_BY_NAME)[Name]>> };

/**
 * Starts `services` of the catalog on the system, in the launcher's start order (consumers
 * before the producers they follow), with the wallet calling the gift service started here.
 * Every test that needs the exchange chain (EXCHANGE_CHAIN, perhaps with the read models)
 * starts it through this, so a change to the chain is made once.
 */
export async function startPlatform<Name extends ServiceName>(
  system: TestSystem,
  services: readonly Name[],
  overrides: PlatformOverrides = {},
): Promise<Record<Name, ServiceInstance>> {
  const started: Partial<Record<ServiceName, ServiceInstance>> = {};
  for (const name of START_ORDER) {
    if (!(services as readonly ServiceName[]).includes(name)) continue;
    if (name === 'wallet' && started.gift) {
      const wallet = overrides.wallet;
      started.wallet = await system.start(MODULES_BY_NAME.wallet, {
        overrides: { ...wallet, config: { giftAddress: started.gift.address, ...wallet?.config } },
      });
    } else {
      const module = MODULES_BY_NAME[name] as ServiceModule<unknown>;
      started[name] = await system.start(module, { overrides: overrides[name] as Partial<unknown> | undefined });
    }
  }
  return started as Record<Name, ServiceInstance>;
}
