import { fileURLToPath } from 'node:url';

/**
 * Where `npm run build:web` puts the My Page web front end: index.html and styles.css at the
 * top, the bundle under assets/. Give it to the gateway as staticDir to serve the page at `/`.
 * Kept apart from build.ts so a server can name it without loading esbuild.
 */
export const WEB_DIST_DIR = fileURLToPath(new URL('./dist', import.meta.url));
