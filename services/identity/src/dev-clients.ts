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
  /**
   * Replaces the public development secret where the provider runs for a cluster (the kind
   * overlay's Secret identity-secrets, made by scripts/deploy/kind-secrets.sh).
   */
  readonly secretVariable: string;
}

export const DEV_SERVICE_CLIENTS = {
  gameServer: {
    clientId: 'game-server',
    clientSecret: 'dev-game-server-secret',
    scope: 'missions:report',
    description: 'the game backend: AchieveMission',
    secretVariable: 'IDENTITY_GAME_SERVER_CLIENT_SECRET',
  },
  operator: {
    clientId: 'operator-console',
    clientSecret: 'dev-operator-secret',
    scope: 'operator',
    description: 'staff: gift catalog, stock, support reads',
    secretVariable: 'IDENTITY_OPERATOR_CONSOLE_CLIENT_SECRET',
  },
  courier: {
    clientId: 'courier',
    clientSecret: 'dev-courier-secret',
    scope: 'deliveries:complete',
    description: 'the delivery partner: CompleteDelivery',
    secretVariable: 'IDENTITY_COURIER_CLIENT_SECRET',
  },
  wallet: {
    clientId: 'wallet',
    clientSecret: 'dev-wallet-secret',
    scope: 'service',
    description: 'the wallet service: ReserveGift',
    secretVariable: 'IDENTITY_WALLET_CLIENT_SECRET',
  },
  platformAdmin: {
    clientId: 'platform-admin',
    clientSecret: 'dev-platform-admin-secret',
    scope: 'service',
    description: 'operations scripts: ReplayEvents, ResetReadModel',
    secretVariable: 'IDENTITY_PLATFORM_ADMIN_CLIENT_SECRET',
  },
} as const satisfies Record<string, DevServiceClient>;

/** Each development client's secret: its variable's value where set, else the public one. */
export function devClientSecrets(env: Readonly<Record<string, string | undefined>>): Map<string, string> {
  return new Map(Object.values(DEV_SERVICE_CLIENTS).map((client) => [client.clientId, env[client.secretVariable] || client.clientSecret]));
}

/** The My Page web front end: a public client (no secret), authorization code + PKCE. */
export const WEB_CLIENT_ID = 'my-page-web';
export const PLAYER_SCOPE = 'openid player';

/** Login names the development sign-in accepts: a customer id (it becomes the token's sub). */
export const CUSTOMER_ID = /^[A-Za-z0-9_-]{1,64}$/;
