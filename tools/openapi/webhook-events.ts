/** The document's `webhooks` section: one entry per event type, all with the event envelope of webhook-schemas.ts. */
import { WEBHOOK_EVENT_TYPES } from '../../functions/http/webhook-schemas.js';
import { jsonContent, ref } from './json-schemas.js';

const camel = (name: string) => name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

const WEBHOOK_HEADERS = {
  'webhook-id': 'The event id (`evt_…`), the same on every retry: de-duplicate by it.',
  'webhook-timestamp': 'Unix seconds when this attempt was signed.',
  'webhook-signature': 'Space-separated `v1,<base64 HMAC-SHA256>` signatures (two while a rotated secret overlaps), per Standard Webhooks.',
};

export function webhooks() {
  return Object.fromEntries(
    WEBHOOK_EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          operationId: camel(`event-${type.replace(/[._]/g, '-')}`),
          tags: ['Webhook events'],
          summary: `The \`${type}\` event`,
          description:
            'POSTed to every active endpoint subscribed to it, signed per Standard Webhooks. A 2xx within 10 s is delivered; anything else is retried with growing delays for about 24 h. In AWS the same body is the `detail` of an EventBridge event (source `signoff`, detail-type = the type).',
          security: [],
          parameters: Object.entries(WEBHOOK_HEADERS).map(([name, description]) => ({
            name,
            in: 'header',
            required: true,
            description,
            schema: { type: 'string' },
          })),
          requestBody: {
            required: true,
            content: jsonContent({ allOf: [ref('WebhookEvent'), { properties: { type: { const: type } } }] }),
          },
          responses: {
            '2XX': { description: 'Delivered.' },
            default: { description: 'Not delivered: retried with growing delays for about 24 h.' },
          },
        },
      },
    ]),
  );
}
