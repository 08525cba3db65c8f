import { runStandalone } from '#platform/runtime/standalone';
import { rewardModule } from './composition-root.js';

await runStandalone(rewardModule);
