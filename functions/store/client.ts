import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as config from '../config.js';

/** One client per process, reused across invocations. */
export const dynamodb = new DynamoDBClient({
  region: config.region(),
  ...(config.dynamodbEndpoint() ? { endpoint: config.dynamodbEndpoint() } : {}),
  maxAttempts: 4,
});

export const documents = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true },
});

export const tableName = () => config.tableName();
