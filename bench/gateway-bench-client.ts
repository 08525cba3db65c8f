/**
 * The load side of bench/gateway-bench.ts, run in a worker thread so the callers have their own
 * event loop (and core) and what is measured is the serving side: the services alone (gRPC) or
 * the gateway in front of them (REST). A closed loop: each of N callers sends its next request as
 * soon as the previous one is answered, for a fixed time or until the work list runs out.
 *
 * REST calls go through kept-alive node:http connections (one per caller, reused; see
 * kept-alive-http.ts), as a load tool such as wrk or h2load does.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { credentials, Metadata } from '@grpc/grpc-js';
import { WalletServiceClient } from '#contracts/generated/game/wallet/v1/wallet_service';
import { keptAliveAgent, send } from './kept-alive-http.js';

export interface ClientJob {
  readonly transport: 'grpc' | 'rest' | 'rest-unchecked';
  readonly operation: 'GetWallet' | 'ExchangeReward';
  /** host:port of the wallet service (gRPC) or http://host:port of the gateway (REST). */
  readonly target: string;
  readonly concurrency: number;
  readonly durationMs: number;
  /** GetWallet: customer ids, read round robin. ExchangeReward: rewards, each exchanged once. */
  readonly work: readonly { customerId: string; rewardId?: string }[];
  readonly giftId: string;
  readonly keyPrefix: string;
  /** Bearer tokens: a customer's own where listed (a player exchanges only their rewards), else the default. */
  readonly tokens: Readonly<Record<string, string>>;
  readonly defaultToken: string;
}

export interface ClientResult {
  /** Milliseconds per successful call. */
  readonly latencies: number[];
  readonly failures: Record<string, number>;
  readonly elapsedMs: number;
  /** The work list ran out before the time was up. */
  readonly exhausted: boolean;
}

async function run(job: ClientJob): Promise<ClientResult> {
  const wallet = job.transport === 'grpc' ? new WalletServiceClient(job.target, credentials.createInsecure()) : undefined;
  const agent = keptAliveAgent(job.concurrency);
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let next = 0;
  let exhausted = false;
  const started = performance.now();
  const deadline = started + job.durationMs;

  const once = async (item: { customerId: string; rewardId?: string }, key: string): Promise<string | undefined> => {
    const authorization = `Bearer ${job.tokens[item.customerId] ?? job.defaultToken}`;
    if (wallet) {
      const metadata = new Metadata();
      metadata.set('authorization', authorization);
      return new Promise((resolve) => {
        const done = (error: { code?: number } | null) => resolve(error ? `grpc ${error.code}` : undefined);
        const options = { deadline: Date.now() + 10_000 };
        if (job.operation === 'GetWallet') wallet.getWallet({ customerId: item.customerId }, metadata, options, done);
        else
          wallet.exchangeReward(
            { customerId: item.customerId, rewardId: item.rewardId as string, giftId: job.giftId, idempotencyKey: key },
            metadata,
            options,
            done,
          );
      });
    }
    const { status } =
      job.operation === 'GetWallet'
        ? await send(agent, { url: `${job.target}/v1/wallets/${item.customerId}`, method: 'GET', headers: { authorization } })
        : await send(agent, {
            url: `${job.target}/v1/wallets/${item.customerId}/rewards/${item.rewardId}:exchange`,
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization },
            body: JSON.stringify({ giftId: job.giftId, idempotencyKey: key }),
          });
    return status === 200 ? undefined : `http ${status}`;
  };

  const caller = async () => {
    while (performance.now() < deadline) {
      const index = next++;
      if (job.operation === 'ExchangeReward' && index >= job.work.length) {
        exhausted = true;
        return;
      }
      const item = job.work[index % job.work.length];
      const sent = performance.now();
      const failure = await once(item, `${job.keyPrefix}-${index}`).catch((error: Error) => error.message);
      if (failure) failures[failure] = (failures[failure] ?? 0) + 1;
      else latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, caller));
  const elapsedMs = performance.now() - started;
  wallet?.close();
  agent.destroy();
  return { latencies, failures, elapsedMs, exhausted };
}

if (parentPort) {
  const port = parentPort;
  run(workerData as ClientJob).then(
    (result) => port.postMessage(result),
    (error: Error) => port.postMessage({ error: error.message }),
  );
}
