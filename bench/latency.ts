/**
 * Measurement 1: the Approvals tab through the gateway (JWT check, handler, one Query, view)
 * against its floor, the same items fetched with the same raw SDK calls (GetItem + Query) from here.
 */
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { ApiClient } from '../tools/api-client.js';
import { LOCAL_CREDENTIALS } from '../tools/local-stack-process.js';
import { atMost, type Row } from './report.js';
import { percentile } from './stats.js';

const WARM_UP = 30;
const REQUESTS = 300;

export async function measureTabLatency(api: ApiClient, technician: string, ticketId: string, recipients: number): Promise<Row[]> {
  const { info } = api;
  const dynamodb = new DynamoDBClient({ region: info.region, endpoint: info.dynamodb.endpoint, credentials: LOCAL_CREDENTIALS });
  // The floor: what store/approval-repository.ts loadTab asks DynamoDB for: the ticket, then its newest request.
  const ticket = new GetItemCommand({
    TableName: info.dynamodb.tableName,
    Key: { pk: { S: `TICKET#${ticketId}` }, sk: { S: 'TICKET' } },
    ConsistentRead: true,
  });
  const query = (requestKey: string) =>
    new QueryCommand({
      TableName: info.dynamodb.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': { S: `TICKET#${ticketId}` },
        ':from': { S: `REQ#${requestKey}` },
        ':to': { S: `REQ#${requestKey}#RCP$` },
      },
      ConsistentRead: true,
    });
  const viaApi = async () => {
    const started = performance.now();
    const reply = await api.call('GET', `/tickets/${ticketId}/approval`, { token: technician });
    if (reply.status !== 200) throw new Error(`GET approval tab: ${reply.status} ${JSON.stringify(reply.body)}`);
    return performance.now() - started;
  };
  const viaQuery = async () => {
    const started = performance.now();
    const found = await dynamodb.send(ticket);
    const page = await dynamodb.send(query(found.Item?.currentRequestKey?.S ?? ''));
    if (!page.Items?.length) throw new Error('raw Query found nothing');
    return performance.now() - started;
  };
  for (let i = 0; i < WARM_UP; i++) {
    await viaApi();
    await viaQuery();
  }
  // Interleaved, so whatever else the machine does hits both alike.
  const api_: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    api_.push(await viaApi());
    raw.push(await viaQuery());
  }
  dynamodb.destroy();
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  const row = (p: number): Row => ({
    measurement: `1. Approvals tab GET, p${p}`,
    figure: ms(percentile(api_, p)),
    floor: ms(percentile(raw, p)),
    ratio: percentile(api_, p) / percentile(raw, p),
    goal: atMost(3),
    note: `${REQUESTS} sequential requests after ${WARM_UP} warm-up, ${recipients} recipients; floor: the same raw GetItem + Query`,
  });
  return [row(50), row(99)];
}
