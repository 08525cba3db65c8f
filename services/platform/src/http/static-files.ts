import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/**
 * Files under /assets/ carry a hash of their content in their name (services/web/build.ts), so a
 * changed file is a new URL and a browser may keep one for good. Everything else (index.html,
 * styles.css) keeps its name across releases: the browser revalidates it on every use (cheap, a
 * 304 while the ETag matches), so a new release is seen on the next load.
 */
const IMMUTABLE_PREFIX = '/assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * Files of one directory for GET and HEAD (`/` is index.html), read-only. Paths that leave the
 * directory are not found. Answers false when there is no such file, for the caller's 404.
 * Serves the My Page web front end: from the embedded gateway beside the API (`npm start`) and
 * from the web server behind Envoy (services/web/server).
 */
export async function serveStatic(root: string, request: IncomingMessage, response: ServerResponse, pathname: string): Promise<boolean> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  const base = resolve(root);
  let file = resolve(join(base, relative));
  if (file !== base && !file.startsWith(base + sep)) return false;
  let info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => undefined);
  }
  if (!info?.isFile()) return false;

  const etag = entityTag(info);
  const headers = {
    'cache-control': pathname.startsWith(IMMUTABLE_PREFIX) ? IMMUTABLE : REVALIDATE,
    etag,
    'last-modified': info.mtime.toUTCString(),
    'x-content-type-options': 'nosniff',
  };
  if (notModified(request, etag, info)) {
    response.writeHead(304, headers);
    response.end();
    return true;
  }
  response.writeHead(200, {
    ...headers,
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
  });
  if (request.method === 'HEAD') {
    response.end();
    return true;
  }
  await new Promise<void>((done) => {
    const stream = createReadStream(file);
    stream.on('error', () => {
      response.destroy();
      done();
    });
    stream.on('end', done);
    stream.pipe(response);
  });
  return true;
}

/**
 * Size and modification time, as nginx makes its ETag: every replica runs the same image, whose
 * files have the same times, so the tag is the same whichever pod answers.
 */
function entityTag(info: Stats): string {
  return `"${Math.floor(info.mtimeMs).toString(16)}-${info.size.toString(16)}"`;
}

/** RFC 9110 §13.1: If-None-Match (weak comparison) wins over If-Modified-Since. */
function notModified(request: IncomingMessage, etag: string, info: Stats): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch.split(',').some((candidate) => {
      const tag = candidate.trim();
      return tag === '*' || tag.replace(/^W\//, '') === etag;
    });
  }
  const ifModifiedSince = Date.parse(request.headers['if-modified-since'] ?? '');
  return Number.isFinite(ifModifiedSince) && Math.floor(info.mtimeMs / 1000) * 1000 <= ifModifiedSince;
}
