import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type WebhookBehaviour = 'accept' | 'unavailable' | 'reject' | 'slow';

export interface ReceivedNotice {
  readonly notificationId: string;
  readonly customerId: string;
  readonly kind: string;
  readonly text: string;
  readonly subjectId: string;
  readonly createdAt: string;
}

/**
 * A real webhook receiver on a local port (node:http), whose behaviour a test switches:
 * accept (204), unavailable (503), reject (400), slow (answers after slowMs).
 */
export class WebhookServer {
  behaviour: WebhookBehaviour = 'accept';
  slowMs = 2000;
  /** Every request, whatever was answered. */
  readonly requests: { idempotencyKey: string; status: number }[] = [];
  /** Notices answered with 2xx, by notification id (a redelivery overwrites). */
  readonly accepted = new Map<string, ReceivedNotice>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookServer> {
    let webhook: WebhookServer | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => webhook?.answer(request.headers['idempotency-key'], Buffer.concat(chunks).toString(), response));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    webhook = new WebhookServer(server, `http://127.0.0.1:${port}/notices`);
    return webhook;
  }

  get attempts(): number {
    return this.requests.length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(key: string | string[] | undefined, body: string, response: import('node:http').ServerResponse): void {
    const status = this.behaviour === 'unavailable' ? 503 : this.behaviour === 'reject' ? 400 : 204;
    const respond = () => {
      this.requests.push({ idempotencyKey: String(key), status });
      if (status === 204) {
        const notice = JSON.parse(body) as ReceivedNotice;
        this.accepted.set(notice.notificationId, notice);
      }
      response.writeHead(status).end();
    };
    if (this.behaviour === 'slow') setTimeout(respond, this.slowMs).unref();
    else respond();
  }
}
