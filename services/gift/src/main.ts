import { runStandalone } from '#platform/runtime/standalone';
import { giftModule } from './composition-root.js';

await runStandalone(giftModule);
