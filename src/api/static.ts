import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { DialwiseError } from '../core/errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** What the build writes a .gz twin of (scripts/build-dashboard.mjs): no other file is looked for twice. */
const ZIPPED = new Set(['.js', '.css']);

/**
 * Serves the built dashboard; paths may not leave `root`. A client that
 * accepts gzip gets the asset's `.gz` twin (written by the build) where
 * there is one.
 */
export async function serveStatic(
  root: string,
  pathname: string,
  acceptEncoding: string | null = null,
): Promise<Response | null> {
  let rel: string;
  try {
    rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
  } catch {
    throw new DialwiseError('BAD_REQUEST', `not a valid URL path: ${pathname}`);
  }
  // Source maps would hand out the whole source: never served.
  if (rel.endsWith('.map')) return null;
  const file = normalize(join(root, rel));
  if (!file.startsWith(normalize(root) + sep)) return null;
  const headers = {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': rel === 'index.html' ? 'no-cache' : 'public, max-age=300',
    vary: 'accept-encoding',
  };
  if (ZIPPED.has(extname(file)) && /\bgzip\b/i.test(acceptEncoding ?? '')) {
    const zipped = await readFile(`${file}.gz`).catch(() => null);
    if (zipped)
      return new Response(zipped, { headers: { ...headers, 'content-encoding': 'gzip' } });
  }
  try {
    return new Response(await readFile(file), { headers });
  } catch {
    return null;
  }
}
