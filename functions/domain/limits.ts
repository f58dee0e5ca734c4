/**
 * Caps on the lists that live inside one item (docs/scale.md has the size budget they give).
 * A change that would pass a cap is refused with 422 and writes nothing (503 for the one cap that
 * only a stalled dispatcher can reach); what the cap keeps out of the item is still said
 * elsewhere (the activity log keeps every event).
 */
export const GROWTH_LIMITS = {
  /**
   * Feedback entries one recipient may post on one request. 10 × 4,000 characters (≤ 12 KB of
   * UTF-8 each) keeps the recipient item ≤ 130 KB, a third of DynamoDB's 400 KB.
   */
  feedbackPerRecipient: 10,
  /**
   * Feedback entries on one request, all recipients together: bounds the Approvals tab reply
   * (100 × 4,000 characters ≤ 2.4 MB of JSON even if every character needs a \u escape) well
   * under Lambda's 6 MB response limit.
   */
  feedbackPerRequest: 100,
  /**
   * Recipient entries on one request, removed ones included (they keep their response and
   * feedback): twice the 50 recipients a request may have at once. Edits that would go past it
   * are refused; cancel the request and ask anew.
   */
  recipientEntries: 100,
  /**
   * SES reports (bounce, complaint, reject; each ≤ 1 KB) kept on one recipient item, one per
   * mail. Past it, a report goes to the activity log only: a recipient mailed 20 times whose
   * mails keep bouncing has told the technician what there is to know.
   */
  reportsPerRecipient: 20,
  /**
   * Events of one ticket waiting for their number (the ticket item's `unsequenced` list, ≈ 30 B a
   * key: ≤ 150 KB). The dispatcher numbers them at once, from the stream and from its schedule,
   * so the list holds a handful; it reaches this only if both stop for long while the ticket
   * keeps changing. A change past it is refused with 503 and Retry-After (not the caller's doing)
   * and writes nothing, rather than growing the ticket item towards DynamoDB's 400 KB, where
   * every change on the ticket would fail.
   */
  unnumberedEventsPerTicket: 5_000,
} as const;
