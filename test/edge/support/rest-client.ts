import { expect } from 'chai';

/** What a REST call answered: status, headers and the body parsed as JSON (undefined if not JSON). */
export interface RestResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

/** A REST client for the edge, as a browser or curl would call it: JSON in, JSON out. */
/** Headers a call should carry (e.g. its authorization), from what it asks. */
export type RestAuthorizer = (method: string, path: string, body: unknown) => Promise<Record<string, string>>;

export class RestClient {
  constructor(
    readonly baseUrl: string,
    private readonly authorize: RestAuthorizer = async () => ({}),
  ) {}

  get<T = any>(path: string): Promise<RestResponse<T>> {
    return this.send<T>('GET', path);
  }

  /** `body` is sent as JSON unless it is already a string (sent as is, for malformed input). */
  post<T = any>(path: string, body?: unknown): Promise<RestResponse<T>> {
    return this.send<T>('POST', path, body);
  }

  async send<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RestResponse<T>> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const sent = { ...(await this.authorize(method, path, body)), ...headers };
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      body: payload,
      headers: payload === undefined ? sent : { 'content-type': 'application/json', ...sent },
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }
}

/**
 * Checks an error answer has the HTTP status Envoy gives the gRPC code, a google.rpc.Status JSON
 * body with that code, and (from a service) the stable error code in the `error-code` header.
 */
export function expectError(response: RestResponse, httpStatus: number, grpcCode: number, errorCode?: string): void {
  expect(response.status, response.text).to.equal(httpStatus);
  expect(response.headers.get('content-type')).to.equal('application/json');
  expect(response.body, response.text).to.deep.include({ code: grpcCode, details: [] });
  expect(response.body.message).to.be.a('string').and.not.equal('');
  if (errorCode !== undefined) expect(response.headers.get('error-code'), response.text).to.equal(errorCode);
}
