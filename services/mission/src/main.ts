import { runStandalone } from '../../platform/src/runtime/standalone.js';
import { missionModule } from './composition-root.js';

await runStandalone(missionModule);
