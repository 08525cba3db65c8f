import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new migration after services/mypage/src/adapters/db/mypage-schema.ts changes.
export default defineConfig({
  dialect: 'postgresql',
  schema: './services/mypage/src/adapters/db/mypage-schema.ts',
  out: './services/mypage/migrations',
  schemaFilter: ['mypage'],
});
