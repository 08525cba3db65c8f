import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new migration after services/gift/src/adapters/db/gift-schema.ts changes.
export default defineConfig({
  dialect: 'postgresql',
  schema: './services/gift/src/adapters/db/gift-schema.ts',
  out: './services/gift/migrations',
  schemaFilter: ['gift'],
});
