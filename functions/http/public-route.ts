import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorResponse, type HttpContext, type HttpEvent } from './middleware.js';

/**
 * A route anyone may call, without body: only the error body. Kept apart from route.ts so that
 * these functions bundle neither the validator nor the store (idempotency), and start cold in a blink.
 */
export function publicRoute(
  definition: { name: string; access: 'public' },
  handle: (event: HttpEvent) => Promise<APIGatewayProxyStructuredResultV2>,
) {
  const handler = middy<HttpEvent, APIGatewayProxyStructuredResultV2, Error, HttpContext>()
    .use(errorResponse())
    .handler(async (event) => handle(event));
  return Object.assign(handler, { routeName: definition.name });
}
