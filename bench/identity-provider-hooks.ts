import type { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The benches run the tests' harness, and with it the embedded identity provider, in their own
 * process. oidc-provider keeps each request in an AsyncLocalStorage (its lib/helpers/als.js),
 * and once any AsyncLocalStorage has been entered, Node 20 runs async hooks for every promise
 * and async resource in the process from then on: every service in the bench paid for them,
 * with telemetry on or off. A deployed service does not (its identity provider is another
 * process), and the hooks are most of what OpenTelemetry's context manager costs, so with them
 * already on the "off" side, `--telemetry compare` measured tracing at about 2 points less than
 * a service pays (stop 22: +10.0% against +11.9%, and the chain itself ~10% faster without them).
 *
 * Called once the bench holds every token it needs, before what it measures: the provider's
 * storage is disabled, so the hooks stop unless something else (tracing) has its own storage on.
 * A later request to the provider (a token refresh) enables it again; the benches call this
 * before each measured run. The module is oidc-provider's own (there is no public way to reach
 * it); if a release moves it, the bench says so and measures with the hooks on.
 */
const PROVIDER_STORAGE = 'oidc-provider/lib/helpers/als.js';

export async function releaseIdentityProviderHooks(log: (line: string) => void): Promise<void> {
  try {
    const { default: storage } = (await import(PROVIDER_STORAGE)) as { default: AsyncLocalStorage<unknown> };
    storage.disable();
  } catch (error) {
    log(`could not release the identity provider's AsyncLocalStorage (${String(error)}): async hooks stay on in this process`);
  }
}
