/**
 * The one table's key schema and indexes, defined once. The local stack creates the table from
 * this, and the CDK stack declares it from this; store/keys.ts builds the values.
 */
export const TABLE_DEFINITION = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Items with this attribute (epoch seconds) are deleted by DynamoDB's TTL. */
  ttlAttribute: 'expiresAt',
  indexes: [
    /** An approver's own requests, newest first (access pattern 4). */
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** Tickets by approval status, and the directory by kind (patterns 3 and 6). */
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    /** Sparse: work that is due, by due time (pattern 7). */
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ],
} as const;

export type IndexName = (typeof TABLE_DEFINITION.indexes)[number]['name'];
