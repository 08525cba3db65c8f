/**
 * The load side of bench/my-page-bench.ts's timed GetMyPage calls, run in a worker thread
 * (worker-run.ts): a closed loop of N callers, each sending its next call as soon as the last is
 * answered, until `calls` are done. The answers stay the bytes on the wire (the generated
 * method's path and request serializer, the response left undecoded), as the ceiling's SELECT
 * leaves the stored page as bytes: what is compared is the service's read path (transport,
 * token check, the lookup) with the lookup alone.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { type GetMyPageRequest, MyPageServiceService } from '#contracts/generated/game/mypage/v1/mypage_service';
import { FLOW_CONTROL_WINDOW_BYTES } from '#platform/grpc/channel-options';
import { type ClosedLoopRun, closedLoop } from './closed-loop.js';

export interface MyPageJob {
  /** host:port of the mypage service. */
  readonly address: string;
  readonly token: string;
  readonly request: GetMyPageRequest;
  readonly concurrency: number;
  readonly calls: number;
  /** Calls made (and not timed) before the timed ones, on the same channel. */
  readonly warmup: number;
}

function getMyPageBytes(client: Client, request: GetMyPageRequest, token: string): Promise<Buffer> {
  const { path, requestSerialize } = MyPageServiceService.getMyPage;
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      path,
      requestSerialize,
      (bytes: Buffer) => bytes,
      request,
      metadata,
      { deadline: Date.now() + 10_000 },
      (error, answer) => (error || !answer ? reject(error) : resolve(answer)),
    ),
  );
}

async function run(job: MyPageJob): Promise<ClosedLoopRun> {
  // The window the platform's own callers (the gateway) open, as Envoy's upstreams do.
  const client = new Client(job.address, credentials.createInsecure(), { 'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW_BYTES });
  try {
    const once = () => getMyPageBytes(client, job.request, job.token);
    await closedLoop(job.concurrency, job.warmup, once);
    return await closedLoop(job.concurrency, job.calls, once);
  } finally {
    client.close();
  }
}

if (parentPort) {
  const port = parentPort;
  run(workerData as MyPageJob).then(
    (result) => port.postMessage(result),
    (error: Error) => port.postMessage({ error: error.message }),
  );
}
