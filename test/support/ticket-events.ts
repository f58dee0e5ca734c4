import type { WebhookEventType } from '../../functions/domain/webhook-events.js';

type Outbox = typeof import('../../functions/store/event-outbox.js');
type Transaction = typeof import('../../functions/store/transaction.js');

/**
 * A ticket's events written as a change writes them: their outbox items and their keys on the
 * ticket's list, in one transaction (numbered when dispatched), due at `at`. For tests on a
 * table of their own: pass the store modules they imported after useOwnTable().
 */
export async function writeTicketEvents(
  store: { outbox: Outbox; transaction: Transaction },
  ticketId: string,
  types: WebhookEventType[],
  at = new Date().toISOString(),
): Promise<{ keys: string[]; items: { id: string; body: { id: string; type: string } }[] }> {
  const { keys, writes } = store.outbox.eventWrites(
    types.map((type) => ({
      type,
      timestamp: at,
      data: { ticketId, requestId: `${ticketId}~r`, status: 'pending', previousStatus: null, actor: { type: 'system' } as never },
    })),
    ticketId,
  );
  await store.transaction.transact([store.outbox.sequenceAppendWrite(ticketId, keys), ...writes]);
  return { keys, items: writes.map((w) => w.item.Put!.Item as { id: string; body: { id: string; type: string } }) };
}
