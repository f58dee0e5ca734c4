import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { approverContent, canonicalContent } from '../domain/content.js';
import { fromRequestId } from '../domain/request-id.js';
import type { ApprovalRequest } from '../domain/types.js';
import { documents, tableName } from './client.js';
import { keys } from './keys.js';
import { StaleStateError, type TxWrite, txPut } from './transaction.js';

/*
 * Content versions live apart from approval-repository.ts so that only the handlers that make a
 * version (create, PUT /tickets) or compare two (the portal view) bundle the canonicalizer.
 */

/**
 * One content version: exactly the canonical JSON that was hashed, so that anyone can hash it
 * again, and a later version can be compared with it. At most the 256 KiB body plus the message
 * (docs/scale.md); one item per version, never rewritten.
 */
export function contentVersionWrite(request: ApprovalRequest): TxWrite {
  const canonical = canonicalContent(approverContent(request));
  return txPut(
    {
      Item: {
        ...keys.contentVersion(request.ticketId, fromRequestId(request.id).requestKey, request.content.version),
        entity: 'content',
        ticketId: request.ticketId,
        requestId: request.id,
        version: request.content.version,
        hash: request.content.hash,
        canonical,
        at: request.updatedAt,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
    () => new StaleStateError(),
  );
}

/** One stored content version of a request: its hash and the canonical JSON that was hashed. */
export async function loadContentVersion(
  requestId: string,
  version: number,
): Promise<{ version: number; hash: string; canonical: string; at: string } | null> {
  const { ticketId, requestKey } = fromRequestId(requestId);
  const { Item } = await documents.send(
    new GetCommand({ TableName: tableName(), Key: keys.contentVersion(ticketId, requestKey, version), ConsistentRead: true }),
  );
  return Item ? { version: Number(Item.version), hash: String(Item.hash), canonical: String(Item.canonical), at: String(Item.at) } : null;
}
