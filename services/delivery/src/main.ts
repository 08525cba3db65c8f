import { runStandalone } from '../../platform/src/runtime/standalone.js';
import { deliveryModule } from './composition-root.js';

await runStandalone(deliveryModule);
