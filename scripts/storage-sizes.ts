/**
 * Rows and on-disk size (table + indexes + TOAST) of every service's outbox and inbox, to
 * compare before and after a load run and a retention sweep:
 *
 *   DATABASE_URL=postgres://... npx tsx scripts/storage-sizes.ts
 */
import postgres from 'postgres';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/game_local';
const sql = postgres(url, { max: 1, onnotice: () => {} });
try {
  const rows = await sql<{ table: string; rows: string; size: string }[]>`
    select format('%I.%I', n.nspname, c.relname) as table,
           c.reltuples::bigint::text as rows,
           pg_size_pretty(pg_total_relation_size(c.oid)) as size
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r' and c.relname in ('outbox_events', 'inbox_events')
    order by n.nspname, c.relname`;
  for (const row of rows) console.log(`${row.table.padEnd(36)} ~${row.rows.padStart(9)} rows  ${row.size}`);
} finally {
  await sql.end();
}
