import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new migration after services/delivery/src/adapters/db/delivery-schema.ts changes.
export default defineConfig({
  dialect: 'postgresql',
  schema: './services/delivery/src/adapters/db/delivery-schema.ts',
  out: './services/delivery/migrations',
  schemaFilter: ['delivery'],
});
