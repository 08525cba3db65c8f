/**
 * `npm run db:generate`: a new drizzle migration for every service of the catalog that keeps a
 * database (services/contracts/service-catalog.ts), after its services/<name>/src/adapters/db
 * schema changed. Stops at the first service drizzle-kit fails for.
 */
import { spawnSync } from 'node:child_process';
import { SERVICE_CATALOG, SERVICE_NAMES } from '#contracts/service-catalog';

for (const name of SERVICE_NAMES.filter((service) => SERVICE_CATALOG[service].database)) {
  const run = spawnSync('npx', ['drizzle-kit', 'generate', '--config', `services/${name}/drizzle.config.ts`], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`drizzle-kit generate failed for ${name} (exit ${run.status ?? run.signal})`);
    process.exit(run.status ?? 1);
  }
}
