import { runStandalone } from '../../platform/src/runtime/standalone.js';
import { notificationModule } from './composition-root.js';

await runStandalone(notificationModule);
