import { credentials, status as GrpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';
import { BrokenCircuitError, TaskCancelledError } from 'cockatiel';
import { GiftServiceClient } from '#contracts/generated/game/gift/v1/gift_service';
import { bearerTokenInterceptor, type TokenSource } from '#platform/auth/bearer-token-interceptor';
import { InvalidArgumentError } from '#platform/errors/domain-error';
import { SERVICE_CLIENT_OPTIONS } from '#platform/grpc/channel-options';
import {
  GiftNotFoundError,
  GiftOrderRefusedError,
  GiftOutOfStockError,
  type GiftReservationRequest,
  type GiftShop,
  GiftShopUnavailableError,
} from '../../domain/gift-shop.js';
import type { GiftShopPolicy } from './gift-shop-policy.js';

/** The GiftShop port over gRPC (GiftService.ReserveGift), guarded by the cockatiel policy. */
export class GrpcGiftShop implements GiftShop {
  private readonly client: GiftServiceClient;

  constructor(
    address: string,
    private readonly policy: GiftShopPolicy,
    private readonly attemptTimeoutMs: number,
    /** The wallet's own access token (ReserveGift is for services only). */
    tokens: TokenSource,
  ) {
    this.client = new GiftServiceClient(address, credentials.createInsecure(), {
      ...SERVICE_CLIENT_OPTIONS,
      interceptors: [...(SERVICE_CLIENT_OPTIONS.interceptors ?? []), bearerTokenInterceptor(tokens)],
    });
  }

  ensureAvailable(): void {
    if (this.policy.isOpen()) throw new GiftShopUnavailableError(this.policy.retryAfterMs());
  }

  async reserve(request: GiftReservationRequest): Promise<void> {
    try {
      // A signal of its own per call: cockatiel's default one is shared by every concurrent call.
      await this.policy.policy.execute(({ signal }) => this.callReserve(request, signal), new AbortController().signal);
    } catch (error) {
      throw this.translate(error, request);
    }
  }

  close(): void {
    this.client.close();
  }

  private callReserve(request: GiftReservationRequest, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const call = this.client.reserveGift(request, new Metadata(), { deadline: Date.now() + this.attemptTimeoutMs }, (error) => {
        if (!error) resolve();
        // Our own cancel (below) answers CANCELLED first; report it as the timeout it is, so the
        // breaker counts the slowness and the retry policy may try again.
        else reject(signal.aborted ? new TaskCancelledError('gift shop attempt timed out') : error);
      });
      // The per-attempt timeout aborts: stop waiting on the wire too.
      signal.addEventListener('abort', () => call.cancel(), { once: true });
    });
  }

  /** gRPC and policy failures to the wallet's domain errors. */
  private translate(error: unknown, request: GiftReservationRequest): unknown {
    if (error instanceof BrokenCircuitError) return new GiftShopUnavailableError(this.policy.retryAfterMs());
    if (error instanceof TaskCancelledError) return new GiftShopUnavailableError(1000);
    const grpcError = error as Partial<ServiceError>;
    const trailer = (key: string) => String(grpcError.metadata?.get(key)?.[0] ?? '');
    switch (grpcError.code) {
      case GrpcStatus.NOT_FOUND:
        return new GiftNotFoundError(request.giftId);
      case GrpcStatus.RESOURCE_EXHAUSTED:
        return new GiftOutOfStockError(request.giftId);
      case GrpcStatus.FAILED_PRECONDITION:
        return new GiftOrderRefusedError(
          trailer('error-code') || 'GIFT_ORDER_REFUSED',
          grpcError.details ?? 'the gift shop refused the order',
        );
      case GrpcStatus.INVALID_ARGUMENT:
        return new InvalidArgumentError(trailer('error-field') || 'gift_id', grpcError.details?.replace(/^[a-z_]+: /, '') ?? 'is invalid');
      case GrpcStatus.UNAVAILABLE:
      case GrpcStatus.DEADLINE_EXCEEDED:
      case GrpcStatus.CANCELLED:
        return new GiftShopUnavailableError(1000);
      default:
        return error;
    }
  }
}
