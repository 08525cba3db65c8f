import { runStandalone } from '../../platform/src/runtime/standalone.js';
import { giftModule } from './composition-root.js';

await runStandalone(giftModule);
