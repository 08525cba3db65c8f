import { runStandalone } from '#platform/runtime/standalone';
import { walletModule } from './composition-root.js';

await runStandalone(walletModule);
