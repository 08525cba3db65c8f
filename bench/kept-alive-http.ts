/**
 * REST calls as a load tool (wrk, h2load) makes them: node:http over kept-alive connections,
 * reused call after call, rather than fetch. undici's fetch spends several times the CPU of the
 * gRPC client per call; on a 2-core machine the load side's cost is taken from the servers it
 * measures, so it must be as small as the protocol allows.
 */
import { Agent, request as httpRequest } from 'node:http';

export interface HttpAnswer {
  readonly status: number;
  /** The body as text: only read where the caller asked for it (readBody), else ''. */
  readonly body: string;
}

export interface HttpCall {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** Aborts the call (a client time-out: AbortSignal.timeout). */
  readonly signal?: AbortSignal;
  readonly readBody?: boolean;
}

/**
 * How long a connection may sit idle in the pool before the caller closes it: under the
 * gateway's (Node's default keepAliveTimeout, 5 s), so the caller closes an idle connection
 * first. Otherwise a call that takes a connection just as the server closes it fails with
 * ECONNRESET, which the bench counted as the platform's error: it happened in the deployed
 * bench's mixed load, whose calls start after a pause of several seconds.
 */
const IDLE_CONNECTION_MS = 4_000;

/** Connections of one caller pool: at most maxSockets open, each kept alive between calls. */
export function keptAliveAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets, timeout: IDLE_CONNECTION_MS });
}

/** One HTTP/1.1 request on a kept-alive connection; resolves once the body is read. */
export function send(agent: Agent, call: HttpCall): Promise<HttpAnswer> {
  const { url, method, body, signal } = call;
  const headers = body === undefined ? call.headers : { ...call.headers, 'content-length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method, agent, headers, signal }, (response) => {
      const chunks: Buffer[] = [];
      response.on('error', reject);
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      if (call.readBody) response.on('data', (chunk: Buffer) => chunks.push(chunk));
      else response.resume();
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
