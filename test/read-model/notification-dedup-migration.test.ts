import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { openPostgresDatabase } from '#platform/db/postgres-database';
import { TestSystem } from '#testing/test-system';
import { notificationModule } from '../../services/notification/src/composition-root.js';

/**
 * Migration 0001_announcement_dedup builds a unique index on what a notice announces. A
 * database from before it may already hold such duplicates (the bug the index ends): the
 * migration merges them first instead of failing. Proved on a database migrated to 0000 only,
 * seeded with duplicates, then migrated the whole way as a service start does.
 */
describe('Notification dedup migration on a database that already holds duplicate notices', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let onlyInit: string;

  before(async () => {
    system = await TestSystem.create('servers');
    // The service's migrations as they were before 0001: the same folder, its journal cut to 0000.
    onlyInit = mkdtempSync(join(tmpdir(), 'notification-migrations-'));
    cpSync(notificationModule.migrationsFolder, onlyInit, { recursive: true });
    const journalPath = join(onlyInit, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter((entry) => entry.tag === '0000_init');
    writeFileSync(journalPath, JSON.stringify(journal));
  });

  after(async () => {
    rmSync(onlyInit, { recursive: true, force: true });
    await system?.close();
  });

  it('keeps the first notice of each announcement, carries a read mark over, drops the rest with their deliveries, and builds the index', async () => {
    const url = system.config.databaseUrl as string;
    const database = openPostgresDatabase(url, { poolSize: 2, applicationName: 'dedup-migration-test' });
    try {
      await database.migrate({ migrationsFolder: onlyInit, schema: 'notification' });
      const subject = randomUUID();
      const other = randomUUID();
      const [first, second, third, lone] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const at = '2026-03-04T05:06:07.089Z';
      // Three notices of one achievement (the second one read), and one of another.
      await system.query(`insert into notification.notifications
        (notification_id, customer_id, kind, text, subject_id, source_event_id, created_at, read_at) values
        ('${first}', 'dup', 'mission-achieved', 'Mission achieved', '${subject}', '${randomUUID()}', '${at}', null),
        ('${second}', 'dup', 'mission-achieved', 'Mission achieved', '${subject}', '${randomUUID()}', '${at}', '2026-03-05T00:00:00Z'),
        ('${third}', 'dup', 'mission-achieved', 'Mission achieved', '${subject}', '${randomUUID()}', '${at}', null),
        ('${lone}', 'dup', 'mission-achieved', 'Mission achieved', '${other}', '${randomUUID()}', '${at}', null)`);
      await system.query(`insert into notification.deliveries (notification_id, next_attempt_at)
        select notification_id, now() from notification.notifications where customer_id = 'dup'`);

      await database.migrate({ migrationsFolder: notificationModule.migrationsFolder, schema: 'notification' });

      const rows = await system.query<{ notification_id: string; read_at: Date | null }>(
        `select notification_id, read_at from notification.notifications where customer_id = 'dup' order by seq`,
      );
      expect(rows.map((row) => row.notification_id)).to.deep.equal([first, lone]);
      expect(rows[0].read_at?.toISOString()).to.equal('2026-03-05T00:00:00.000Z');
      expect(rows[1].read_at).to.equal(null);
      const deliveries = await system.query<{ notification_id: string }>(
        `select notification_id from notification.deliveries order by notification_id`,
      );
      expect(deliveries.map((row) => row.notification_id).sort()).to.deep.equal([first, lone].sort());
      const [index] = await system.query<{ indexdef: string }>(
        `select indexdef from pg_indexes where schemaname = 'notification' and indexname = 'notifications_announcement_idx'`,
      );
      expect(index?.indexdef).to.match(/^CREATE UNIQUE INDEX/);
    } finally {
      await database.close();
    }
    // The service starts on the migrated database (its own migrate finds nothing left to do).
    await system.start(notificationModule);
    expect(await system.count('notification.notifications', `customer_id = 'dup'`)).to.equal(2);
  });
});
