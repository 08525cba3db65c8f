import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new migration after services/notification/src/adapters/db/notification-schema.ts changes.
export default defineConfig({
  dialect: 'postgresql',
  schema: './services/notification/src/adapters/db/notification-schema.ts',
  out: './services/notification/migrations',
  schemaFilter: ['notification'],
});
