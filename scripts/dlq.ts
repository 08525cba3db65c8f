/**
 * Dead letters, operated per service queue:
 *
 *   npm run dlq -- list                            every consuming service: parked and waiting counts
 *   npm run dlq -- show <service> [--limit N]      the first N parked events (left in place)
 *   npm run dlq -- redrive <service> [--limit N]   back to the service's work queue, through its consumer
 *   npm run dlq -- discard <service> [--limit N]   dropped for good
 *
 * AMQP_URL and EVENTS_QUEUE_PREFIX select the broker and the deployment, as for the services.
 */

import { DeadLetterQueue } from '#platform/bus/dead-letter-queue';
import { readPlatformConfig } from '#platform/config/platform-config';
import { SERVICE_MODULES } from '../services/launcher/src/service-modules.js';

const [command, service, ...rest] = process.argv.slice(2);
const limitAt = rest.indexOf('--limit');
const limit = limitAt >= 0 ? Number(rest[limitAt + 1]) : Number.MAX_SAFE_INTEGER;
const config = readPlatformConfig();
const url = config.amqpUrl ?? 'amqp://guest:guest@127.0.0.1:5672';
const consumers = SERVICE_MODULES.map((module) => module.name);

function usage(): never {
  console.error('usage: npm run dlq -- list | show|redrive|discard <service> [--limit N]');
  console.error(`services: ${consumers.join(', ')}`);
  process.exit(2);
}

if (!['list', 'show', 'redrive', 'discard'].includes(command ?? '')) usage();
if (command !== 'list' && !consumers.includes(service ?? '')) usage();
if (!Number.isInteger(limit) || limit < 1) usage();

const dlq = await DeadLetterQueue.open(url, config.queuePrefix);
try {
  if (command === 'list') {
    for (const name of consumers) {
      const counts = await dlq.count(name);
      console.log(
        `${name.padEnd(14)} ${counts ? `${counts.deadLetters} dead-lettered, ${counts.waiting} waiting` : 'no queue (never started here)'}`,
      );
    }
  } else if (command === 'show') {
    // Counted before the look: the shown letters are handed back unacked, and the queue's count
    // leaves them out until the broker has requeued them (a count taken after came up short).
    const total = (await dlq.count(service))?.deadLetters ?? 0;
    const letters = await dlq.show(service, Math.min(limit, 100));
    for (const letter of letters) console.log(JSON.stringify(letter));
    console.log(`${letters.length} shown of ${total} in ${dlq.queueOf(service)}`);
  } else if (command === 'redrive') {
    console.log(
      `redriven ${await dlq.redrive(service, limit)} to ${config.queuePrefix}.${service}; ${(await dlq.count(service))?.deadLetters ?? 0} left`,
    );
  } else {
    console.log(`discarded ${await dlq.discard(service, limit)}; ${(await dlq.count(service))?.deadLetters ?? 0} left`);
  }
} finally {
  await dlq.close();
}
