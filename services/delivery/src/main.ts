import { runStandalone } from '#platform/runtime/standalone';
import { deliveryModule } from './composition-root.js';

await runStandalone(deliveryModule);
