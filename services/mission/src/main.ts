import { runStandalone } from '#platform/runtime/standalone';
import { missionModule } from './composition-root.js';

await runStandalone(missionModule);
