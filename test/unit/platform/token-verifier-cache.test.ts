import { expect } from 'chai';
import { CallerRole } from '#platform/auth/access-policy';
import { UnauthenticatedError } from '#platform/auth/token-verifier';
import { EdgeTestTokens } from '../../edge/support/edge-test-tokens.js';

/**
 * TokenVerifier.knownCaller: what the auth interceptor admits without waiting. Only a token the
 * verifier accepted before (signature, issuer, audience, expiry) is known; anything else is left
 * to verifyAuthorization, which checks it in full.
 */
describe('TokenVerifier: callers of tokens verified before', () => {
  let tokens: EdgeTestTokens;
  before(async () => {
    tokens = await EdgeTestTokens.create();
  });

  it('knows a token only once it has been verified, and gives the same caller', async () => {
    const verifier = tokens.verifier();
    const header = `Bearer ${await tokens.player('cache-player')}`;
    expect(verifier.knownCaller(header)).to.equal(undefined);
    const verified = await verifier.verifyAuthorization(header);
    const known = verifier.knownCaller(header);
    expect(known?.subject).to.equal('cache-player');
    expect([...(known?.roles ?? [])]).to.deep.equal([...verified.roles]);
    expect(known?.roles.has(CallerRole.CALLER_ROLE_PLAYER)).to.equal(true);
  });

  it('never knows a token that failed verification, nor a header that is not exactly "Bearer <token>"', async () => {
    const verifier = tokens.verifier();
    for (const kind of ['expired', 'bad signature', 'alg none', 'wrong audience'] as const) {
      const header = `Bearer ${await tokens.bad(kind)}`;
      let refused: unknown;
      await verifier.verifyAuthorization(header).catch((error: unknown) => {
        refused = error;
      });
      expect(refused, kind).to.be.instanceOf(UnauthenticatedError);
      expect(verifier.knownCaller(header), kind).to.equal(undefined);
    }
    const token = await tokens.player('cache-player');
    await verifier.verifyAuthorization(`Bearer ${token}`);
    for (const header of [undefined, '', token, `bearer ${token}`, `Bearer  ${token}`, `Bearer ${token} `, `Basic ${token}`])
      expect(verifier.knownCaller(header), String(header)).to.equal(undefined);
  });

  it('forgets a token once it has expired', async () => {
    const verifier = tokens.verifier();
    const header = `Bearer ${await tokens.player('cache-player')}`;
    await verifier.verifyAuthorization(header);
    const realNow = Date.now;
    // Past the token's exp (300 s) and the clock tolerance (60 s).
    Date.now = () => realNow() + 400_000;
    try {
      expect(verifier.knownCaller(header)).to.equal(undefined);
    } finally {
      Date.now = realNow;
    }
  });
});
