import { runStandalone } from '#platform/runtime/standalone';
import { myPageModule } from './composition-root.js';

await runStandalone(myPageModule);
