import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new migration after services/reward/src/adapters/db/reward-schema.ts changes.
export default defineConfig({
  dialect: 'postgresql',
  schema: './services/reward/src/adapters/db/reward-schema.ts',
  out: './services/reward/migrations',
  schemaFilter: ['reward'],
});
