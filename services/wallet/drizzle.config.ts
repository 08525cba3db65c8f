import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new migration after services/wallet/src/adapters/db/wallet-schema.ts changes.
export default defineConfig({
  dialect: 'postgresql',
  schema: './services/wallet/src/adapters/db/wallet-schema.ts',
  out: './services/wallet/migrations',
  schemaFilter: ['wallet'],
});
