/**
 * What verifying the caller costs a read: GetWallet on the same wallet code and database, served
 * twice in this process, once behind the auth interceptor (the token verified, the policy and
 * ownership checked) and once without it, each called two ways:
 *   grpc  straight to the wallet's port
 *   rest  GET /v1/wallets/{id} through the embedded gateway (Envoy's stand-in): with auth the
 *         gateway verifies the token too (its jwt_authn + RBAC stand-in) and the wallet again;
 *         without, a gateway whose verifier returns a ready-made caller (no token checked) in
 *         front of the wallet without interceptor
 * Rounds alternate so every variant sees the same machine load.
 * Run: npm run -s bench:auth [-- calls per round, default 2000]
 *
 * The interceptor remembers a verified token until it expires, so a client repeating its token
 * pays the signature check once; that first check is reported separately (distinct tokens
 * verified directly).
 */
import { Metadata } from '@grpc/grpc-js';
import { WalletServiceClient } from '#contracts/generated/game/wallet/v1/wallet_service';
import { Caller, CallerRole } from '#platform/auth/caller';
import { startGrpcServer } from '#platform/grpc/grpc-server';
import { createLogger } from '#platform/logging/logger';
import { Infrastructure } from '#platform/runtime/infrastructure';
import { rewardInWallet } from '#testing/chain-helpers';
import { call, insecure } from '#testing/grpc-call';
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { TestSystem } from '#testing/test-system';
import { createGateway } from '../services/gateway/src/create-gateway.js';
import { loadDescriptorRegistry } from '../services/gateway/src/descriptor/descriptor-registry.js';
import { upstreamsFor } from '../services/gateway/src/gateway-config.js';

const CALLS = Number(process.argv[2] ?? 2000);
const CONCURRENCY = 8;
const CUSTOMER = 'bench-auth-1';

// Few connections each: the Postgres server is shared, and both variants get the same pool.
const system = await TestSystem.create('servers', { DATABASE_POOL_SIZE: '4' });
try {
  await system.start(rewardModule);
  await system.start(walletModule);
  await system.start(missionModule);
  await rewardInWallet(system, CUSTOMER);

  // The same wallet use cases on the same database, with no interceptor in front.
  const logger = createLogger({ level: 'silent' });
  const infrastructure = await Infrastructure.open(system.config, logger, 'bench-no-auth');
  const database = await infrastructure.database('wallet');
  const parts = walletModule.create({
    db: database.db,
    bus: infrastructure.bus,
    config: system.config,
    logger,
    auth: system.identity.auth,
    wakeRelay: () => {},
  });
  const bare = await startGrpcServer({ host: '127.0.0.1', port: 0, services: parts.grpc, logger });

  const token = await system.tokens.token({ player: CUSTOMER });
  const withAuth = new WalletServiceClient(system.address('wallet'), insecure());
  const withoutAuth = new WalletServiceClient(`127.0.0.1:${bare.port}`, insecure());
  const metadata = () => {
    const m = new Metadata();
    m.set('authorization', `Bearer ${token}`);
    return m;
  };

  // The REST edge in front of each: the real one (tokens verified) and one that checks nothing.
  const registry = loadDescriptorRegistry();
  const gateway = await system.startGateway();
  const trusting = new Caller(CUSTOMER, '', new Set([CallerRole.CALLER_ROLE_PLAYER]));
  const bareGateway = await createGateway({
    registry,
    host: '127.0.0.1',
    port: 0,
    logger,
    upstreams: upstreamsFor(registry, (context) =>
      context === 'wallet' ? `127.0.0.1:${bare.port}` : system.instancesOf(context)[0]?.address,
    ),
    access: { verify: async () => trusting },
  });

  type Send = () => Promise<unknown>;
  const grpcCall =
    (client: WalletServiceClient): Send =>
    () =>
      call(client, client.getWallet, { customerId: CUSTOMER }, metadata());
  const restCall =
    (url: string): Send =>
    async () => {
      const response = await fetch(`${url}/v1/wallets/${CUSTOMER}`, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`GET /v1/wallets: ${response.status}`);
    };
  const variants: ReadonlyArray<readonly [string, Send]> = [
    ['grpc, with auth', grpcCall(withAuth)],
    ['grpc, without auth', grpcCall(withoutAuth)],
    ['rest, with auth', restCall(gateway.url)],
    ['rest, without auth', restCall(bareGateway.url)],
  ];

  async function round(send: Send): Promise<number[]> {
    const latencies: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < CALLS) {
          next += 1;
          const started = performance.now();
          await send();
          latencies.push(performance.now() - started);
        }
      }),
    );
    return latencies;
  }

  const results: Record<string, number[]> = Object.fromEntries(variants.map(([name]) => [name, []]));
  const elapsed: Record<string, number> = Object.fromEntries(variants.map(([name]) => [name, 0]));
  for (const [, send] of variants) await round(send); // warm-up of each
  for (let i = 0; i < 3; i += 1) {
    for (const [name, send] of variants) {
      const started = performance.now();
      results[name]!.push(...(await round(send)));
      elapsed[name]! += performance.now() - started;
    }
  }
  const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * p)];
  const rate = (name: string) => (results[name]!.length / elapsed[name]!) * 1000;
  for (const name of Object.keys(results)) {
    const values = results[name]!;
    console.log(
      `${name.padEnd(19)} ${values.length} calls, ${rate(name).toFixed(0)} calls/s, p50 ${pct(values, 0.5).toFixed(2)} ms, p99 ${pct(values, 0.99).toFixed(2)} ms`,
    );
  }
  for (const transport of ['grpc', 'rest']) {
    const ratio = rate(`${transport}, with auth`) / rate(`${transport}, without auth`);
    const p50 = pct(results[`${transport}, with auth`]!, 0.5) - pct(results[`${transport}, without auth`]!, 0.5);
    console.log(`${transport}: throughput with auth = ${(ratio * 100).toFixed(0)}% of without; p50 +${p50.toFixed(2)} ms`);
  }
  // The cold cost: a signature check per call (distinct tokens), measured on the verifier itself.
  const fresh = await Promise.all(Array.from({ length: 20 }, (_, i) => system.tokens.token({ player: `bench-cold-${i}` })));
  const started = performance.now();
  for (const one of fresh) await system.identity.auth.verifier.verify(one);
  console.log(`first verification of a token (ES256, jose): ${((performance.now() - started) / fresh.length).toFixed(2)} ms each`);

  withAuth.close();
  withoutAuth.close();
  await bareGateway.stop(0);
  await bare.stop(0);
  await parts.close?.();
  await infrastructure.close();
} finally {
  await system.close();
}
