import { runStandalone } from '../../platform/src/runtime/standalone.js';
import { rewardModule } from './composition-root.js';

await runStandalone(rewardModule);
