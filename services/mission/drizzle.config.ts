import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new migration after services/mission/src/adapters/db/mission-schema.ts changes.
export default defineConfig({
  dialect: 'postgresql',
  schema: './services/mission/src/adapters/db/mission-schema.ts',
  out: './services/mission/migrations',
  schemaFilter: ['mission'],
});
