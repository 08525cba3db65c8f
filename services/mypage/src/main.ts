import { runStandalone } from '../../platform/src/runtime/standalone.js';
import { myPageModule } from './composition-root.js';

await runStandalone(myPageModule);
