/**
 * The one table's key schema and indexes, defined once. The local stack creates the table from
 * this, and the CDK stack declares it from this; store/keys.ts builds the values.
 */

/** The indexes by what they are for; code names them by these, never by `gsi1`…`gsi3`. */
export const INDEX = {
  /** An approver's own requests, newest first (access pattern 4). */
  approverRequests: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** Tickets by approval status, and the directory by kind (patterns 3 and 6). */
  listings: { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /** Sparse: work that is due, by due time (pattern 7). */
  due: { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
} as const;

export type Index = (typeof INDEX)[keyof typeof INDEX];
export type IndexName = Index['name'];

export const TABLE_DEFINITION = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Items with this attribute (epoch seconds) are deleted by DynamoDB's TTL. */
  ttlAttribute: 'expiresAt',
  indexes: [INDEX.approverRequests, INDEX.listings, INDEX.due],
} as const;
