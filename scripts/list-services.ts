/**
 * Prints the service catalog's names (services/contracts/service-catalog.ts), separated by
 * `--separator` (default a space), then any `--extra` names: what the Makefile's usage lines
 * show instead of a list of their own. `tsx scripts/list-services.ts --separator '|' --extra envoy`
 */
import { parseArgs } from 'node:util';
import { SERVICE_NAMES } from '#contracts/service-catalog';

const { values } = parseArgs({
  options: { separator: { type: 'string', default: ' ' }, extra: { type: 'string', multiple: true, default: [] } },
});
console.log([...SERVICE_NAMES, ...values.extra].join(values.separator));
