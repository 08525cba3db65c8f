/**
 * The embedded provider's development clients. Their secrets are fixed and public (printed at
 * start and in docs/identity.md): they exist only in the embedded mode, which is refused the
 * moment AUTH_ISSUER names a real provider.
 */
export interface DevServiceClient {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The scopes it may ask for (its role, see access_policy.proto). */
  readonly scope: string;
  readonly description: string;
}

export const DEV_SERVICE_CLIENTS = {
  gameServer: {
    clientId: 'game-server',
    clientSecret: 'dev-game-server-secret',
    scope: 'missions:report',
    description: 'the game backend: AchieveMission',
  },
  operator: {
    clientId: 'operator-console',
    clientSecret: 'dev-operator-secret',
    scope: 'operator',
    description: 'staff: gift catalog, stock, support reads',
  },
  courier: {
    clientId: 'courier',
    clientSecret: 'dev-courier-secret',
    scope: 'deliveries:complete',
    description: 'the delivery partner: CompleteDelivery',
  },
  wallet: { clientId: 'wallet', clientSecret: 'dev-wallet-secret', scope: 'service', description: 'the wallet service: ReserveGift' },
  platformAdmin: {
    clientId: 'platform-admin',
    clientSecret: 'dev-platform-admin-secret',
    scope: 'service',
    description: 'operations scripts: ReplayEvents, ResetReadModel',
  },
} as const satisfies Record<string, DevServiceClient>;

/** The My Page web front end: a public client (no secret), authorization code + PKCE. */
export const WEB_CLIENT_ID = 'my-page-web';
export const PLAYER_SCOPE = 'openid player';

/** Login names the development sign-in accepts: a customer id (it becomes the token's sub). */
export const CUSTOMER_ID = /^[A-Za-z0-9_-]{1,64}$/;
