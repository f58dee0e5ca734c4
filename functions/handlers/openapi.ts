import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { OPENAPI_GZIP_BASE64 } from '../http/openapi-document.js';
import * as routes from './routes.js';

/**
 * GET /openapi.json (public): the OpenAPI document, as committed (docs/openapi.json). No middy,
 * logger or validator: nothing here can fail on a caller's input, and the bundle stays the size
 * of the compressed document. Callers that accept gzip get the stored bytes as they are.
 */
const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'public, max-age=300',
  'x-content-type-options': 'nosniff',
  vary: 'accept-encoding',
};
let inflated: string | undefined;

async function serve(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  if (/\bgzip\b/i.test(event.headers?.['accept-encoding'] ?? '')) {
    return { statusCode: 200, headers: { ...HEADERS, 'content-encoding': 'gzip' }, body: OPENAPI_GZIP_BASE64, isBase64Encoded: true };
  }
  inflated ??= gunzipSync(Buffer.from(OPENAPI_GZIP_BASE64, 'base64')).toString('utf8');
  return { statusCode: 200, headers: HEADERS, body: inflated };
}

export const handler = Object.assign(serve, { routeName: routes.openapi.name });
