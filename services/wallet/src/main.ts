import { runStandalone } from '../../platform/src/runtime/standalone.js';
import { walletModule } from './composition-root.js';

await runStandalone(walletModule);
