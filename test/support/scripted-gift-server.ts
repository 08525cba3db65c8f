import { Server, ServerCredentials, type ServiceError, status, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { GiftOrderStatus, GiftServiceService } from '#contracts/generated/game/gift/v1/gift_service';

/** What the scripted gift shop does with the next ReserveGift call. */
export type GiftBehaviour = { kind: 'ok' } | { kind: 'fail'; code: status } | { kind: 'slow'; delayMs: number };

/**
 * A real gRPC server speaking GiftService, whose ReserveGift answers as scripted and counts
 * calls. It stands in for the gift shop (not for the wallet, which is what these tests test) so
 * the wallet's timeouts, retries and circuit breaker can be driven precisely.
 */
export class ScriptedGiftServer {
  calls = 0;
  private script: GiftBehaviour[] = [];
  private fallback: GiftBehaviour = { kind: 'ok' };

  private constructor(
    private readonly server: Server,
    readonly address: string,
  ) {}

  static async start(): Promise<ScriptedGiftServer> {
    const server = new Server();
    let instance: ScriptedGiftServer | undefined;
    const notUsed = (_call: unknown, callback: (error: Partial<ServiceError>) => void) => callback({ code: status.UNIMPLEMENTED });
    const implementation: UntypedServiceImplementation = Object.fromEntries(Object.keys(GiftServiceService).map((name) => [name, notUsed]));
    implementation.reserveGift = (
      call: { request: { orderId: string; customerId: string; giftId: string; rewardId: string } },
      callback: (error: Partial<ServiceError> | null, value?: unknown) => void,
    ) => {
      instance?.answer(call.request, callback);
    };
    server.addService(GiftServiceService, implementation);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    instance = new ScriptedGiftServer(server, `127.0.0.1:${port}`);
    return instance;
  }

  /** The next calls behave like this, in order; after that, `always` (default: succeed). */
  next(...behaviours: GiftBehaviour[]): this {
    this.script.push(...behaviours);
    return this;
  }

  always(behaviour: GiftBehaviour): this {
    this.script = [];
    this.fallback = behaviour;
    return this;
  }

  async stop(): Promise<void> {
    this.server.forceShutdown();
  }

  private answer(
    request: { orderId: string; customerId: string; giftId: string; rewardId: string },
    callback: (error: Partial<ServiceError> | null, value?: unknown) => void,
  ): void {
    this.calls += 1;
    const behaviour = this.script.shift() ?? this.fallback;
    const order = { ...request, giftName: 'scripted', status: GiftOrderStatus.GIFT_ORDER_STATUS_RESERVED, deliveryId: '' };
    if (behaviour.kind === 'fail') callback({ code: behaviour.code, details: `scripted ${status[behaviour.code]}` });
    else if (behaviour.kind === 'slow') setTimeout(() => callback(null, order), behaviour.delayMs);
    else callback(null, order);
  }
}
