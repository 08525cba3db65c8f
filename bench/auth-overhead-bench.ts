/**
 * What verifying the caller costs a read: GetWallet over gRPC on the same wallet code and
 * database, served twice in this process, once behind the auth interceptor (the token verified,
 * the policy and ownership checked) and once without it; rounds alternate so both see the same
 * machine load. Run: npx tsx bench/auth-overhead-bench.ts [calls per round, default 2000]
 *
 * The interceptor remembers a verified token until it expires, so a client repeating its token
 * pays the signature check once; that first check is reported separately (distinct tokens
 * verified directly).
 */
import { Metadata } from '@grpc/grpc-js';
import { WalletServiceClient } from '#contracts/generated/game/wallet/v1/wallet_service';
import { startGrpcServer } from '#platform/grpc/grpc-server';
import { createLogger } from '#platform/logging/logger';
import { Infrastructure } from '#platform/runtime/infrastructure';
import { rewardInWallet } from '#testing/chain-helpers';
import { call, insecure } from '#testing/grpc-call';
import { missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { TestSystem } from '#testing/test-system';

const CALLS = Number(process.argv[2] ?? 2000);
const CONCURRENCY = 8;
const CUSTOMER = 'bench-auth-1';

const system = await TestSystem.create('servers');
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

  async function round(client: WalletServiceClient): Promise<number[]> {
    const latencies: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < CALLS) {
          next += 1;
          const started = performance.now();
          await call(client, client.getWallet, { customerId: CUSTOMER }, metadata());
          latencies.push(performance.now() - started);
        }
      }),
    );
    return latencies;
  }

  const results: Record<string, number[]> = { 'with auth': [], 'without auth': [] };
  const elapsed: Record<string, number> = { 'with auth': 0, 'without auth': 0 };
  await round(withAuth);
  await round(withoutAuth); // warm-up of both
  for (let i = 0; i < 3; i += 1) {
    for (const [name, client] of [
      ['with auth', withAuth],
      ['without auth', withoutAuth],
    ] as const) {
      const started = performance.now();
      results[name].push(...(await round(client)));
      elapsed[name] += performance.now() - started;
    }
  }
  const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * p)];
  for (const name of Object.keys(results)) {
    const values = results[name];
    console.log(
      `${name.padEnd(13)} ${values.length} calls, ${((values.length / elapsed[name]) * 1000).toFixed(0)} calls/s, p50 ${pct(values, 0.5).toFixed(2)} ms, p99 ${pct(values, 0.99).toFixed(2)} ms`,
    );
  }
  // The cold cost: a signature check per call (distinct tokens), measured on the verifier itself.
  const fresh = await Promise.all(Array.from({ length: 20 }, (_, i) => system.tokens.token({ player: `bench-cold-${i}` })));
  const started = performance.now();
  for (const one of fresh) await system.identity.auth.verifier.verify(one);
  console.log(`first verification of a token (ES256, jose): ${((performance.now() - started) / fresh.length).toFixed(2)} ms each`);

  withAuth.close();
  withoutAuth.close();
  await bare.stop(0);
  await parts.close?.();
  await infrastructure.close();
} finally {
  await system.close();
}
