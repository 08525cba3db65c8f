/**
 * Rebuilds the My Page read model from scratch, from the events alone:
 *
 *   npx tsx scripts/rebuild-mypage.ts          (npm run mypage:rebuild)
 *
 * 1. Asks mypage to empty its view and its inbox (game.platform.v1.ReadModelAdminService);
 *    the answer also says which queue it consumes and which routing keys it needs.
 * 2. Asks every publisher (mission, reward, wallet, gift, delivery) to send into that queue
 *    only (game.platform.v1.EventReplayService; no other consumer sees the events again):
 *    - REBUILD_FROM=snapshot (the default): its CURRENT state, stated as its own events
 *      (ReplaySnapshot). Needs no outbox history, so it works after OUTBOX_RETENTION_MS pruned it.
 *    - REBUILD_FROM=outbox: its published outbox, oldest first (ReplayEvents). Complete only
 *      while the outbox still holds every event (OUTBOX_RETENTION_MS=0, or a young system).
 * 3. Waits until mypage has applied at least as many events as were replayed and its page
 *    versions stop changing.
 *
 * Everything keeps running meanwhile: live events still flow, and the inbox drops the copies
 * a replay sends of events the view already has again. Pages are briefly incomplete (or
 * empty) while the view fills up. Run it again if it fails half way: it starts over.
 *
 * Addresses: MYPAGE_ADDRESS, MISSION_ADDRESS, REWARD_ADDRESS, WALLET_ADDRESS, GIFT_ADDRESS,
 * DELIVERY_ADDRESS (default 127.0.0.1 and each service's port: `<SERVICE>_GRPC_PORT`, else its default).
 * Credentials: the admin APIs are for services only (scope service). The script signs in as
 * the OAuth client REBUILD_CLIENT_ID / REBUILD_CLIENT_SECRET (default: the embedded development
 * provider's platform-admin client) at AUTH_ISSUER (default: the embedded provider,
 * http://localhost:IDENTITY_PORT), or sends REBUILD_TOKEN as it is.
 * REBUILD_SETTLE_MS (default 1000): how long versions must stay still to count as caught up.
 * REBUILD_STALL_MS (default 30000): give up when nothing moves this long and events are missing.
 * Prints a JSON summary on stdout; exits 1 if the view did not catch up.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CallOptions, type Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { EventReplayServiceClient } from '#contracts/generated/game/platform/v1/event_replay_service';
import { ReadModelAdminServiceClient, type ReadModelStatus } from '#contracts/generated/game/platform/v1/read_model_admin_service';
import { PUBLISHERS } from '#contracts/service-catalog';
import { defaultAddress, type ServiceName } from '#contracts/service-ports';
import { readAuthConfig } from '#platform/auth/auth-config';
import { bearerTokenInterceptor, type TokenSource } from '#platform/auth/bearer-token-interceptor';
import { PlatformAuth } from '#platform/auth/platform-auth';

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

function call<Req, Res>(client: Client, method: UnaryMethod<Req, Res>, request: Req, timeoutMs: number): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, new Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

function address(env: NodeJS.ProcessEnv, name: ServiceName): string {
  return env[`${name.toUpperCase()}_ADDRESS`] || defaultAddress(name, env);
}

/** The script's own access token (a service client's), fetched once and renewed as needed. */
async function adminTokens(env: NodeJS.ProcessEnv): Promise<TokenSource> {
  const given = env.REBUILD_TOKEN;
  if (given) return { token: async () => given };
  const auth = readAuthConfig(env);
  const issuer = auth.issuer ?? `http://localhost:${auth.identityPort}`;
  const platform = await PlatformAuth.discover({ issuer, audience: auth.audience, jwksUrl: auth.jwksUrl });
  return platform.clientCredentials(
    env.REBUILD_CLIENT_ID || 'platform-admin',
    env.REBUILD_CLIENT_SECRET || 'dev-platform-admin-secret',
    'service',
  );
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number of milliseconds`);
  return value;
}

export type RebuildSource = 'snapshot' | 'outbox';

function source(env: NodeJS.ProcessEnv): RebuildSource {
  const value = env.REBUILD_FROM || 'snapshot';
  if (value !== 'snapshot' && value !== 'outbox') throw new Error(`REBUILD_FROM must be "snapshot" or "outbox", not "${value}"`);
  return value;
}

export interface RebuildSummary {
  readonly from: RebuildSource;
  readonly replayed: Record<string, number>;
  readonly expected: number;
  readonly status: ReadModelStatus;
  readonly caughtUp: boolean;
  readonly elapsedMs: number;
}

export async function rebuildMyPage(env: NodeJS.ProcessEnv = process.env): Promise<RebuildSummary> {
  const started = Date.now();
  const settleMs = number(env, 'REBUILD_SETTLE_MS', 1000);
  const stallMs = number(env, 'REBUILD_STALL_MS', 30_000);
  const from = source(env);
  const options = { interceptors: [bearerTokenInterceptor(await adminTokens(env))] };
  const admin = new ReadModelAdminServiceClient(address(env, 'mypage'), credentials.createInsecure(), options);
  const replayers = PUBLISHERS.map((name) => ({
    name,
    client: new EventReplayServiceClient(address(env, name), credentials.createInsecure(), options),
  }));
  try {
    const reset = await call(admin, admin.resetReadModel, {}, 60_000);
    const { queue, routingKeys } = reset.status ?? { queue: '', routingKeys: [] };
    log(`mypage view emptied; sending ${routingKeys.join(', ')} from each publisher's ${from} into queue "${queue}"`);

    const replayed: Record<string, number> = {};
    for (const { name, client } of replayers) {
      const request = { targetQueue: queue, routingKeys };
      replayed[name] =
        from === 'snapshot'
          ? (await call(client, client.replaySnapshot, request, 600_000)).eventsSent
          : (await call(client, client.replayEvents, request, 600_000)).eventsReplayed;
      log(`  ${name}: ${replayed[name]} events sent`);
    }
    const expected = Object.values(replayed).reduce((sum, n) => sum + n, 0);

    let last = await call(admin, admin.getReadModelStatus, {}, 10_000);
    let stillSince = Date.now();
    for (;;) {
      await sleep(Math.min(200, Math.max(20, settleMs / 5)));
      const status = await call(admin, admin.getReadModelStatus, {}, 10_000);
      if (status.eventsApplied !== last.eventsApplied || status.versionsTotal !== last.versionsTotal) stillSince = Date.now();
      last = status;
      const still = Date.now() - stillSince;
      if (status.eventsApplied >= expected && still >= settleMs) {
        log(`caught up: ${status.eventsApplied} events applied, ${status.pages} pages`);
        return { from, replayed, expected, status, caughtUp: true, elapsedMs: Date.now() - started };
      }
      if (still >= stallMs) {
        log(`stalled at ${status.eventsApplied} of ${expected} events: look at mypage's dead-letter queue`);
        return { from, replayed, expected, status, caughtUp: false, elapsedMs: Date.now() - started };
      }
    }
  } finally {
    admin.close();
    for (const { client } of replayers) client.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  rebuildMyPage().then(
    (summary) => {
      console.log(JSON.stringify(summary));
      process.exit(summary.caughtUp ? 0 : 1);
    },
    (error: unknown) => {
      log(`rebuild failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
