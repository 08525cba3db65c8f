import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { AmqpEventBus } from '#platform/bus/amqp-event-bus';
import { type DatabaseHandle, rowsOf } from '#platform/db/database';
import { openPostgresDatabase } from '#platform/db/postgres-database';
import { TransactionScope } from '#platform/db/transaction-scope';
import { createLogger } from '#platform/logging/logger';
import { OutboxRelay } from '#platform/outbox/outbox-relay';
import { eventually } from '#testing/eventually';
import { TestSystem } from '#testing/test-system';
import { DrizzleMissionRepository } from '../../services/mission/src/adapters/db/drizzle-mission-repository.js';
import { outboxEvents } from '../../services/mission/src/adapters/db/mission-schema.js';
import { missionModule } from '../../services/mission/src/composition-root.js';

const HISTORY = 20_000;

/**
 * A statement run once per batch (the outbox relay's read and mark, the reward recording's lock
 * and update of its missions) must find the batch's rows by key, not scan the table: the tables
 * grow for good (published outbox rows are kept for replay), so a scan per batch costs more every
 * day. Written with a set-returning function over a json parameter, the planner guessed 100 rows
 * and hash-joined them against a sequential scan of the whole table, until the table was tens of
 * thousands of rows long; as deployed, those scans were most of what Postgres read
 * (docs/performance.md). The statements run here as the services run them (prepared from their
 * second run), on Postgres's generic plans (what a prepared statement settles on), against
 * tables with a history; each plan is then read from Postgres itself.
 */
describe('Statements run per batch find their rows by key, however long the table (Postgres plans)', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let handle: DatabaseHandle;
  const logger = createLogger({ level: 'warn' });

  before(async () => {
    system = await TestSystem.create('servers');
    // One connection, so the statements prepared by the code under test are this session's.
    handle = openPostgresDatabase(`${system.config.databaseUrl}?plan_cache_mode=force_generic_plan`, {
      poolSize: 1,
      applicationName: 'batch-statement-plans-test',
    });
    await handle.migrate({ migrationsFolder: missionModule.migrationsFolder, schema: missionModule.schema });
    await system.query(`insert into mission.missions (id, customer_id, event_code, mission_code, status, achieved_at)
      select gen_random_uuid(), 'history-' || i, 'history', 'm-' || i, 'achieved', now() from generate_series(1, ${HISTORY}) as i`);
    await system.query(`insert into mission.outbox_events (event_id, event_type, routing_key, aggregate_id, payload, occurred_at, published_at)
      select gen_random_uuid(), 'history', 'history.published', 'h-' || i, '\\x00', now(), now() from generate_series(1, ${HISTORY}) as i`);
    await system.query('analyze mission.missions, mission.outbox_events');
  });

  after(async () => {
    await handle?.close();
    await system?.close();
  });

  /** The prepared statements of the session that read or change the table, with their generic plans. */
  async function plansOn(table: string): Promise<{ statement: string; plan: string }[]> {
    const prepared = rowsOf<{ name: string; statement: string; params: number }>(
      await handle.db.execute(sql`select name, statement, cardinality(parameter_types) as params from pg_prepared_statements`),
    ).filter(({ statement }) => statement.includes(table) && !/^\s*insert/i.test(statement));
    const plans = [];
    for (const { name, statement, params } of prepared) {
      const nulls = Array.from({ length: params }, () => 'null').join(', ');
      const lines = rowsOf<{ 'QUERY PLAN': string }>(await handle.db.execute(sql.raw(`explain execute "${name}"(${nulls})`)));
      plans.push({ statement, plan: lines.map((line) => line['QUERY PLAN']).join('\n') });
    }
    return plans;
  }

  function expectLookupsByKey(plans: { statement: string; plan: string }[], table: string, statements: number): void {
    expect(plans.length, `statements on ${table}`).to.be.at.least(statements);
    for (const { statement, plan } of plans) expect(plan, statement).to.not.match(new RegExp(`Seq Scan on ${table}\\b`));
  }

  it('the outbox relay reads and marks a batch through the index, not by scanning the published rows', async () => {
    const { amqpUrl, eventsExchange, queuePrefix } = system.config;
    const bus = await AmqpEventBus.connect({
      url: amqpUrl as string,
      exchange: eventsExchange,
      queuePrefix,
      retryDelayMs: 1000,
      connectionName: 'batch-statement-plans-test',
      connectRetries: 1,
      logger,
    });
    const relay = new OutboxRelay({ db: handle.db, bus, table: outboxEvents, serviceName: 'mission', batchSize: 16, pollMs: 50, logger });
    relay.start();
    try {
      // Three batches, one after the other: a statement is prepared from its second run.
      for (let batch = 1; batch <= 3; batch += 1) {
        await system.query(`insert into mission.outbox_events (event_id, event_type, routing_key, aggregate_id, payload, occurred_at)
          values ('${randomUUID()}', 'probe', 'probe.batch', 'p-${batch}', '\\x00', now())`);
        relay.wake();
        await eventually(async () => expect(await system.count('mission.outbox_events', 'published_at is null')).to.equal(0));
      }
    } finally {
      await relay.stop();
      await bus.close();
    }
    expectLookupsByKey(await plansOn('"mission"."outbox_events"'), 'outbox_events', 2);
  });

  it('recording rewards locks and updates a batch of missions through the primary key, not by scanning every mission', async () => {
    const repository = new DrizzleMissionRepository(TransactionScope.database(handle.db));
    for (let batch = 1; batch <= 3; batch += 1) {
      const ids = (await system.query<{ id: string }>(`select id from mission.missions where reward_id is null limit 2`)).map(
        (row) => row.id,
      );
      const updated = await repository.updateAll(ids, (mission) => mission.recordReward(randomUUID(), new Date()));
      expect(updated.map((mission) => mission.state.status)).to.deep.equal(['rewarded', 'rewarded']);
    }
    expect(await system.count('mission.missions', 'reward_id is not null')).to.equal(6);
    expectLookupsByKey(await plansOn('"mission"."missions"'), 'missions', 2);
  });
});
