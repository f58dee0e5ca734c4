import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayEventRequestContextJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { CORS } from '../functions/shared/web.js';
import { createActivity, LOCAL_IDLE_PATH } from './activity.js';
import { buildEvent, type GatewayEvent, jwtAuthorizer, newRequestId } from './gateway-event.js';
import { createRouter, type GatewayRoute } from './gateway-routes.js';
import { createLambdaContext } from './lambda-context.js';
import { createStaticPortal, type StaticPortalOptions } from './static-portal.js';

export type HttpHandler = (event: GatewayEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2 | unknown>;

export interface GatewayLogger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface GatewayOptions {
  routes: readonly GatewayRoute[];
  loadHandler: (entry: string) => Promise<HttpHandler>;
  verifier: { verify(token: string): Promise<Record<string, unknown>> };
  staticPortal?: StaticPortalOptions;
  /** Turns on CORS for this origin (or `*`), as an HTTP API CORS configuration would. */
  allowedOrigin?: string;
  logger?: GatewayLogger;
  /** Serves the local-only `GET /_local/idle`: it answers once this resolves (see activity.ts). */
  whenIdle?: () => Promise<void>;
  accountId?: string;
  apiId?: string;
}

// HTTP API's limits: 10 MB request payload, 30 s integration timeout.
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw new PayloadTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new PayloadTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
};

const bearerToken = (req: IncomingMessage): string | undefined => {
  const header = req.headers.authorization?.trim();
  // HTTP API takes the token with or without the Bearer prefix.
  return header ? header.replace(/^Bearer\s+/i, '') : undefined;
};

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  // HEAD answers carry no body (RFC 9110), but the same headers, length included.
  res.writeHead(status, { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
};

/** The API's one error shape; messages never echo the request (path, token, verifier internals). */
export const apiError = (code: string, message: string) => ({ error: { code, message } });

/**
 * Errors node:http answers before a request exists (headers too large, a malformed request):
 * the same JSON error shape, written on the socket, then the connection is closed.
 */
const clientErrorResponse = (error: NodeJS.ErrnoException): string => {
  const [status, reason, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'headers_too_large', 'The request headers are too large.']
      : [400, 'Bad Request', 'bad_request', 'The request is not valid HTTP.'];
  const body = JSON.stringify(apiError(code, message));
  const headers = { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
  return `HTTP/1.1 ${status} ${reason}\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n')}\r\n\r\n${body}`;
};

/** Lambda refuses to return a synchronous response larger than 6 MB (its invocation payload quota). */
export const MAX_LAMBDA_RESPONSE_BYTES = 6 * 1024 * 1024;

/** Writes a payload 2.0 result; a result without statusCode is sent as JSON with 200, like HTTP API. */
const writeResult = (res: ServerResponse, result: unknown, logger: GatewayLogger) => {
  // What Lambda would refuse, HTTP API answers as a failed integration: so must the stand-in.
  const size = Buffer.byteLength(JSON.stringify(result ?? null));
  if (size > MAX_LAMBDA_RESPONSE_BYTES) {
    logger.error(`the handler's response is ${size} bytes, over Lambda's ${MAX_LAMBDA_RESPONSE_BYTES}-byte limit`);
    sendJson(res, 500, { message: 'Internal Server Error' });
    return;
  }
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    sendJson(res, 200, result ?? null);
    return;
  }
  const { statusCode, headers = {}, cookies = [], body, isBase64Encoded } = result as APIGatewayProxyStructuredResultV2;
  if (!Number.isInteger(statusCode)) throw new Error(`handler returned statusCode ${String(statusCode)}`);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, String(value));
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  res.statusCode = statusCode as number;
  res.end(body === undefined ? undefined : Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8'));
};

const withTimeout = async <T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

export const createGateway = (options: GatewayOptions) => {
  const logger = options.logger ?? { info: console.log, error: console.error };
  const route = createRouter(options.routes);
  const serveStatic = options.staticPortal ? createStaticPortal(options.staticPortal) : undefined;
  const handlers = new Map<string, Promise<HttpHandler>>();
  const activity = createActivity();
  const loadHandler = (entry: string) => {
    let loading = handlers.get(entry);
    if (!loading) {
      loading = options.loadHandler(entry);
      // A failed import (say, a syntax error being fixed) is tried again on the next request.
      loading.catch(() => handlers.delete(entry));
      handlers.set(entry, loading);
    }
    return loading;
  };

  const corsHeaders = (req: IncomingMessage): Record<string, string> => {
    const allowed = options.allowedOrigin;
    const origin = req.headers.origin;
    if (!allowed || !origin || (allowed !== '*' && allowed !== origin)) return {};
    return { 'access-control-allow-origin': allowed === '*' ? '*' : origin, vary: 'origin' };
  };

  const authorize = async (req: IncomingMessage): Promise<APIGatewayEventRequestContextJWTAuthorizer | string> => {
    const token = bearerToken(req);
    if (!token) return 'missing bearer token';
    try {
      return jwtAuthorizer(await options.verifier.verify(token));
    } catch (error) {
      return `invalid token: ${error instanceof Error ? error.message : String(error)}`;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, requestId: string) => {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
    const rawQueryString = queryAt === -1 ? '' : url.slice(queryAt + 1);
    const method = req.method ?? 'GET';
    for (const [name, value] of Object.entries({
      'apigw-requestid': requestId,
      'x-content-type-options': 'nosniff',
      ...corsHeaders(req),
    })) {
      res.setHeader(name, value);
    }

    if (method === 'OPTIONS' && res.hasHeader('access-control-allow-origin')) {
      res.writeHead(204, {
        'access-control-allow-methods': [...CORS.allowMethods, 'OPTIONS'].join(','),
        'access-control-allow-headers': CORS.allowHeaders.join(','),
        'access-control-max-age': String(CORS.maxAgeSeconds),
      });
      res.end();
      return;
    }
    if (options.whenIdle && method === 'GET' && rawPath === LOCAL_IDLE_PATH) {
      await options.whenIdle();
      return sendJson(res, 200, { idle: true });
    }
    // The URL `npm start` prints: say where things are rather than answer 404.
    if (rawPath === '/' && (method === 'GET' || method === 'HEAD')) {
      return sendJson(res, 200, {
        name: 'Signoff API (local stack)',
        portal: '/portal/',
        health: '/health',
        routes: options.routes.map((r) => `${r.method} ${r.path}`),
      });
    }
    const match = route(method, rawPath);
    if (match.kind !== 'matched' && serveStatic && (await serveStatic(req, res, rawPath))) return;
    if (match.kind === 'not-found') {
      return sendJson(
        res,
        404,
        apiError('not_found', 'No route matches this path. The portal is under /portal/; GET /health answers when the API is up.'),
      );
    }
    if (match.kind === 'method-not-allowed') {
      return sendJson(res, 405, apiError('method_not_allowed', `This path does not take ${method}; see the Allow header.`), {
        allow: match.allowedMethods.join(', '),
      });
    }

    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (!(error instanceof PayloadTooLargeError)) throw error;
      res.setHeader('connection', 'close');
      return sendJson(res, 413, apiError('payload_too_large', 'The request body is larger than 10 MB.'));
    }

    let authorizer: APIGatewayEventRequestContextJWTAuthorizer | undefined;
    if (match.route.access !== 'public') {
      const outcome = await authorize(req);
      if (typeof outcome === 'string') {
        // Why a token failed is for our log, not for whoever holds a forged one.
        logger.info(`401 for ${req.method} ${rawPath}: ${outcome}`);
        return sendJson(res, 401, apiError('unauthorized', 'A valid bearer token is required: sign in again.'), {
          'www-authenticate': 'Bearer',
        });
      }
      authorizer = outcome;
    }

    const event = buildEvent({
      req,
      rawPath,
      rawQueryString,
      routeKey: match.routeKey,
      pathParameters: match.pathParameters,
      body,
      requestId,
      accountId: options.accountId ?? '000000000000',
      apiId: options.apiId ?? 'local',
      ...(authorizer ? { authorizer } : {}),
    });
    const functionName = match.route.name ?? match.route.entry;
    const context = createLambdaContext({ functionName, timeoutMs: TIMEOUT_MS });
    const handler = await loadHandler(match.route.entry);
    const result = await withTimeout(
      activity.run(() => handler(event, context)),
      TIMEOUT_MS,
    );
    if (result === 'timeout') {
      logger.error(`${functionName} did not answer within ${TIMEOUT_MS} ms`);
      return sendJson(res, 503, apiError('unavailable', 'The service did not answer in time; please retry shortly.'), {
        'retry-after': '5',
      });
    }
    writeResult(res, result, logger);
  };

  const server: Server = createServer((req, res) => {
    const started = Date.now();
    const requestId = newRequestId();
    res.on('finish', () => logger.info(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started} ms`));
    handle(req, res, requestId).catch((error: unknown) => {
      logger.error(`${req.method} ${req.url} failed (request ${requestId})`, error);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // HTTP API answers {"message":"Internal Server Error"} here; locally, the API's own shape.
      sendJson(res, 500, apiError('internal_error', 'Something went wrong on our side.'));
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (socket.writable) socket.end(clientErrorResponse(error));
    else socket.destroy();
  });

  return {
    server,
    /** Resolves once the handler calls in flight now have finished. */
    settled: activity.settled,
    listen: (port: number, host = '127.0.0.1') =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
};
