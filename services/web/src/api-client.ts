/**
 * fetch for the REST edge (the gateway, or Envoy): JSON in, JSON out. Every failure becomes an
 * ApiError carrying what the edge said: the gRPC code of the {"code","message"} body, and the
 * error trailers it passes on as headers (error-code, error-field, retry-after-ms). Turning
 * that into words for a person is friendly-errors.ts's job.
 */

/** How long a call may take before the page gives up on it (the edge's own limit is 10 s). */
const REQUEST_TIMEOUT_MS = 15_000;

/** gRPC status codes the page tells apart. */
export const GrpcCode = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** 'network': no answer at all (offline, server down, timed out). */
    readonly kind: 'network' | 'http',
    readonly httpStatus: number,
    /** gRPC code from the body; UNKNOWN when the body was not the edge's error JSON. */
    readonly grpcCode: number,
    message: string,
    readonly errorCode?: string,
    readonly errorField?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** No answer, or an answer that says nothing happened and the same request may simply be sent again. */
  get isTransient(): boolean {
    return this.kind === 'network' || this.httpStatus === 502 || this.httpStatus === 504 || this.grpcCode === GrpcCode.ABORTED;
  }
}

/** Who the calls are made as: the signed-in player's session (auth/player-session.ts). */
export interface TokenSource {
  /** The bearer token for the next call, if signed in. */
  token(): Promise<string | undefined>;
  /** The edge said 401: true when a fresh token is there to try once more with. */
  rejected(): Promise<boolean>;
}

let tokens: TokenSource | undefined;

export function useTokenSource(source: TokenSource | undefined): void {
  tokens = source;
}

const UNAUTHENTICATED = 16;

export async function requestJson<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  try {
    return await requestOnce<T>(method, path, body);
  } catch (error) {
    if (!(error instanceof ApiError) || error.grpcCode !== UNAUTHENTICATED || !tokens || !(await tokens.rejected())) throw error;
    return requestOnce<T>(method, path, body);
  }
}

async function requestOnce<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const token = await tokens?.token();
  const authorization: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers:
        body === undefined
          ? { accept: 'application/json', ...authorization }
          : { accept: 'application/json', 'content-type': 'application/json', ...authorization },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiError('network', 0, GrpcCode.UNAVAILABLE, error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
  }
  const text = await response.text().catch(() => '');
  if (response.ok) return (text ? JSON.parse(text) : {}) as T;
  throw errorFrom(response, text);
}

function errorFrom(response: Response, text: string): ApiError {
  let code: number = GrpcCode.UNKNOWN;
  let message = `HTTP ${response.status}`;
  try {
    const parsed = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof parsed.code === 'number') code = parsed.code;
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // Not the edge's JSON (e.g. a proxy's HTML page): the HTTP status is all there is.
    if (response.status === 503) code = GrpcCode.UNAVAILABLE;
    if (response.status === 504) code = GrpcCode.DEADLINE_EXCEEDED;
  }
  const retryAfter = Number(response.headers.get('retry-after-ms') ?? Number.NaN);
  return new ApiError(
    'http',
    response.status,
    code,
    message,
    response.headers.get('error-code') ?? undefined,
    response.headers.get('error-field') ?? undefined,
    Number.isFinite(retryAfter) ? retryAfter : undefined,
  );
}

/** A v4 UUID: crypto.randomUUID where the page is a secure context, else from getRandomValues (plain http on a LAN). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
