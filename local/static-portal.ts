import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { contentSecurityPolicy, PORTAL_PREFIX } from '../functions/shared/web.js';

export interface StaticPortalOptions {
  dir: string;
  /** Origins the portal may call besides its own (e.g. cognito-local), for `connect-src`. */
  connectSrc?: readonly string[];
  /** URL prefix it is served under. */
  prefix?: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

const isFile = async (path: string) => (await stat(path).catch(() => undefined))?.isFile() ?? false;

/** Returns a request handler that answers true when it served (or refused) the request. */
export const createStaticPortal = (options: StaticPortalOptions) => {
  const root = resolve(options.dir);
  const prefix = options.prefix ?? PORTAL_PREFIX;
  const securityHeaders = {
    'content-security-policy': contentSecurityPolicy(options.connectSrc ?? []),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  };

  const send = (res: ServerResponse, status: number, headers: Record<string, string>, body?: string) => {
    res.writeHead(status, { ...securityHeaders, ...headers });
    res.end(body);
  };

  // The API's error shape, so a client never has to tell two kinds of error body apart.
  const sendError = (res: ServerResponse, status: number, code: string, message: string) => {
    const body = JSON.stringify({ error: { code, message } });
    send(res, status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) }, body);
  };

  // An existing file is served; a path that looks like a file but is missing is a 404; any
  // other path is a page of the single-page app, so it gets index.html.
  const resolveFile = async (relative: string): Promise<string | undefined> => {
    const candidate = resolve(root, `.${sep}${relative}`);
    if (candidate !== root && !candidate.startsWith(root + sep)) return undefined;
    if (await isFile(candidate)) return candidate;
    // Request ids contain dots: only a known asset extension makes a missing path a missing file.
    if (CONTENT_TYPES[extname(candidate).toLowerCase()] !== undefined) return undefined;
    const index = join(root, 'index.html');
    return (await isFile(index)) ? index : undefined;
  };

  return async (req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (rawPath === prefix.slice(0, -1)) {
      send(res, 308, { location: prefix });
      return true;
    }
    if (!rawPath.startsWith(prefix)) return false;
    let relative: string;
    try {
      relative = decodeURIComponent(rawPath.slice(prefix.length));
    } catch {
      sendError(res, 400, 'bad_request', 'The path is not valid percent-encoding.');
      return true;
    }
    const file = relative.includes('\0') ? undefined : await resolveFile(relative);
    if (!file) {
      sendError(res, 404, 'not_found', 'There is no such file in the portal.');
      return true;
    }
    const { size } = await stat(file);
    res.writeHead(200, {
      ...securityHeaders,
      'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': String(size),
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return true;
  };
};
