import { expect } from 'chai';
import { CallerRole } from '#platform/auth/caller';
import { PlatformAuth } from '#platform/auth/platform-auth';
import { DEV_SERVICE_CLIENTS, devClientSecrets } from '../../services/identity/src/dev-clients.js';
import { type RunningIdentityProvider, startIdentityProvider } from '../../services/identity/src/identity-provider.js';

/**
 * The provider the kind overlay runs takes its service clients' secrets from
 * IDENTITY_<CLIENT>_CLIENT_SECRET (the Secret identity-secrets, made by make deploy): the given
 * secret signs the client in, the public development one no longer does, and the clients without
 * a variable keep theirs.
 */
describe('development provider: service client secrets from IDENTITY_<CLIENT>_CLIENT_SECRET', () => {
  const walletSecret = 'a-secret-only-this-test-knows';
  let provider: RunningIdentityProvider;
  let auth: PlatformAuth;

  before(async () => {
    const secrets = devClientSecrets({ IDENTITY_WALLET_CLIENT_SECRET: walletSecret, IDENTITY_COURIER_CLIENT_SECRET: '' });
    provider = await startIdentityProvider(
      { audience: 'game-event-rewards', identityPort: 0 },
      { audience: 'game-event-rewards', port: 0, host: '127.0.0.1', issuerHost: '127.0.0.1', clientSecrets: secrets },
    );
    auth = await PlatformAuth.discover({ issuer: provider.issuer, audience: provider.audience });
  });
  after(() => provider?.stop());

  it('reads each client its own variable; an empty or absent one keeps the public secret', () => {
    const secrets = devClientSecrets({ IDENTITY_WALLET_CLIENT_SECRET: walletSecret, IDENTITY_COURIER_CLIENT_SECRET: '' });
    expect(secrets.get('wallet')).to.equal(walletSecret);
    expect(secrets.get('courier')).to.equal(DEV_SERVICE_CLIENTS.courier.clientSecret);
    expect(secrets.get('platform-admin')).to.equal(DEV_SERVICE_CLIENTS.platformAdmin.clientSecret);
    expect(new Set(Object.values(DEV_SERVICE_CLIENTS).map((client) => client.secretVariable)).size).to.equal(
      Object.keys(DEV_SERVICE_CLIENTS).length,
    );
  });

  it('the given secret gets the wallet a service token; the public development secret is refused', async () => {
    const token = await auth.clientCredentials('wallet', walletSecret, 'service').token();
    const caller = await auth.verifier.verify(token);
    expect(caller.clientId).to.equal('wallet');
    expect(caller.has(CallerRole.CALLER_ROLE_SERVICE)).to.equal(true);
    let refused: unknown;
    try {
      await auth.clientCredentials('wallet', DEV_SERVICE_CLIENTS.wallet.clientSecret, 'service').token();
    } catch (error) {
      refused = error;
    }
    expect((refused as { status?: number })?.status, String(refused)).to.equal(401);
  });

  it('a client without a variable signs in with its public development secret', async () => {
    const token = await auth.clientCredentials('platform-admin', DEV_SERVICE_CLIENTS.platformAdmin.clientSecret, 'service').token();
    expect(await auth.verifier.verify(token)).to.be.an('object');
  });
});

describe('development provider: refused beside a real issuer', () => {
  it('does not start when AUTH_ISSUER names one (so its public development secrets never sign anyone in there)', async () => {
    let refused: unknown;
    try {
      const provider = await startIdentityProvider(
        { issuer: 'https://keycloak.example/realms/games', audience: 'game-event-rewards', identityPort: 0 },
        { audience: 'game-event-rewards', port: 0, host: '127.0.0.1' },
      );
      await provider.stop();
    } catch (error) {
      refused = error;
    }
    expect(String(refused)).to.include('AUTH_ISSUER is https://keycloak.example/realms/games').and.include('refused');
  });
});
