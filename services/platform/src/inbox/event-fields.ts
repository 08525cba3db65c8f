import type { EventType } from '../events/event-type.js';
import { PoisonEventError } from './event-consumer.js';

/**
 * The one way a handler refuses a malformed event: name the fields it cannot do without (by
 * their proto names). An empty one raises PoisonEventError, which the consumer dead-letters at
 * once instead of retrying (a redelivery can never fill it in).
 */
export function requireEventFields(event: EventType<unknown>, fields: Readonly<Record<string, string | undefined>>): void {
  const missing = Object.entries(fields)
    .filter(([, value]) => !value)
    .map(([field]) => field);
  if (missing.length > 0) throw new PoisonEventError(`${event.name} without ${missing.join(', ')}`);
}
