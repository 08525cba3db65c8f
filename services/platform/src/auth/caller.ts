import { CallerRole } from '#contracts/generated/game/platform/v1/access_policy';
import { DomainError } from '../errors/domain-error.js';

/** The scope (in the token's `scope` claim) that grants each role. */
export const ROLE_SCOPES: ReadonlyMap<CallerRole, string> = new Map([
  [CallerRole.CALLER_ROLE_PLAYER, 'player'],
  [CallerRole.CALLER_ROLE_GAME_SERVER, 'missions:report'],
  [CallerRole.CALLER_ROLE_OPERATOR, 'operator'],
  [CallerRole.CALLER_ROLE_COURIER, 'deliveries:complete'],
  [CallerRole.CALLER_ROLE_SERVICE, 'service'],
]);

/**
 * Who is calling, as a verified access token says: handed by the transport to the use cases,
 * which decide whether this caller may touch the customer a resource belongs to.
 */
export class Caller {
  constructor(
    /** The token's `sub`: for a player, the customer id. */
    readonly subject: string,
    /** The OAuth client the token was issued to (`client_id`, else `azp`). */
    readonly clientId: string,
    readonly roles: ReadonlySet<CallerRole>,
  ) {}

  /** From a token's claims: roles by its space-separated `scope`. */
  static fromClaims(claims: { sub?: unknown; client_id?: unknown; azp?: unknown; scope?: unknown }): Caller {
    const scopes = new Set(typeof claims.scope === 'string' ? claims.scope.split(' ') : []);
    const roles = new Set([...ROLE_SCOPES].filter(([, scope]) => scopes.has(scope)).map(([role]) => role));
    const clientId = typeof claims.client_id === 'string' ? claims.client_id : typeof claims.azp === 'string' ? claims.azp : '';
    return new Caller(typeof claims.sub === 'string' ? claims.sub : '', clientId, roles);
  }

  has(role: CallerRole): boolean {
    return this.roles.has(role);
  }

  /** Only the roles an RPC's policy allows: what this call may use of the token. */
  within(allowed: readonly CallerRole[]): Caller {
    return new Caller(this.subject, this.clientId, new Set([...this.roles].filter((role) => allowed.includes(role))));
  }

  /** The customer a player acts as (undefined for any other caller). */
  get customerId(): string | undefined {
    return this.has(CallerRole.CALLER_ROLE_PLAYER) && this.subject ? this.subject : undefined;
  }

  /**
   * Whether the caller may see or change what belongs to this customer: a player only their
   * own; the staff and services the RPC's policy let in, anyone's.
   */
  mayActFor(customerId: string): boolean {
    if ([...this.roles].some((role) => role !== CallerRole.CALLER_ROLE_PLAYER)) return true;
    return this.customerId === customerId;
  }

  /**
   * The ownership rule of an RPC that declares `player_owns_field` in proto/: the use case calls
   * it on the customer id its request names, right after checking that field is well formed.
   */
  requireActsFor(field: string, customerId: string): void {
    if (!this.mayActFor(customerId)) throw new NotYourCustomerError(field);
  }
}

/** A player named another customer in a request: PERMISSION_DENIED, naming the field. */
export class NotYourCustomerError extends DomainError {
  readonly kind = 'permission-denied' as const;
  readonly code = 'NOT_YOUR_CUSTOMER';
  constructor(readonly field: string) {
    super(`${field}: a player may only name their own customer id`);
  }
}

export { CallerRole };
