/**
 * The load side of bench/gateway-bench.ts, run in a worker thread so the callers have their own
 * event loop (and core) and what is measured is the serving side: the services alone (gRPC) or
 * the gateway in front of them (REST). A closed loop: each of N callers sends its next request as
 * soon as the previous one is answered, for a fixed time or until the work list runs out.
 *
 * REST calls go through node:http with a keep-alive agent (one connection per caller, reused),
 * as a load tool such as wrk or h2load does, rather than fetch: undici's fetch spends several
 * times the CPU of the gRPC client per call, and on a 2-core machine that client cost would be
 * charged to the gateway.
 */
import { Agent, request as httpRequest } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { credentials, Metadata } from '@grpc/grpc-js';
import { WalletServiceClient } from '#contracts/generated/game/wallet/v1/wallet_service';

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
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
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
    const status =
      job.operation === 'GetWallet'
        ? await send(agent, `${job.target}/v1/wallets/${item.customerId}`, 'GET', { authorization })
        : await send(
            agent,
            `${job.target}/v1/wallets/${item.customerId}/rewards/${item.rewardId}:exchange`,
            'POST',
            { 'content-type': 'application/json', authorization },
            JSON.stringify({ giftId: job.giftId, idempotencyKey: key }),
          );
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

/** One HTTP/1.1 request on a kept-alive connection; resolves with the status once the body is read. */
function send(agent: Agent, url: string, method: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      { method, agent, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } },
      (response) => {
        response.on('error', reject);
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.resume();
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

if (parentPort) {
  const port = parentPort;
  run(workerData as ClientJob).then(
    (result) => port.postMessage(result),
    (error: Error) => port.postMessage({ error: error.message }),
  );
}
