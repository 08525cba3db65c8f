import type { IncomingMessage } from 'node:http';
import { GatewayError } from './error-response.js';

/**
 * Reads a request body of at most `limit` bytes (Envoy: the transcoder's max_request_body_size /
 * buffer limit, answered 413). A declared Content-Length over the limit is refused before a byte
 * is read.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(GatewayError.tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(GatewayError.tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    request.on('error', (error) => {
      if (!failed) reject(error);
      failed = true;
    });
  });
}
