import { runStandalone } from '#platform/runtime/standalone';
import { notificationModule } from './composition-root.js';

await runStandalone(notificationModule);
