/**
 * Measurement 2: 50 approvers decide on one request (policy `all`) at the same moment, through
 * the gateway; decisions/s against the floor, 50 concurrent conditional UpdateItems on one item
 * with a version condition, each retrying at once with the version the failed check returned.
 */
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { ApiClient } from '../tools/api-client.js';
import { LOCAL_CREDENTIALS } from '../tools/local-stack-process.js';
import { clearMailbox } from '../tools/mailbox.js';
import { type BenchApprover, openBenchRequest, requestMails } from './api.js';
import { atLeast, type Row, type Section, table } from './report.js';
import { median } from './stats.js';

/** Counted rounds, after one warm-up round of each. */
const ROUNDS = 6;

interface ApiRound {
  ms: number;
  statuses: Map<number, number>;
  finalStatus: string;
}

async function apiRound(api: ApiClient, technician: string, approvers: BenchApprover[], round: number): Promise<ApiRound> {
  await clearMailbox(api.info);
  const { ticketId, requestId } = await openBenchRequest(api, technician, approvers, `decide${round}`);
  // Let the mailer finish the request mails first, so the burst has the stack to itself.
  await requestMails(api, requestId, approvers.length);
  await api.waitForIdle();
  const path = `/portal/approvals/${encodeURIComponent(requestId)}/responses`;
  const started = performance.now();
  const replies = await Promise.all(approvers.map((a) => api.call('POST', path, { token: a.token, body: { decision: 'approve' } })));
  const ms = performance.now() - started;
  const statuses = new Map<number, number>();
  for (const r of replies) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  const tab = await api.call('GET', `/tickets/${ticketId}/approval`, { token: technician });
  return { ms, statuses, finalStatus: String(tab.body?.status) };
}

async function floorRound(dynamodb: DynamoDBClient, tableName: string, writers: number, round: number) {
  const Key = { pk: { S: `BENCH#decisions#${round}` }, sk: { S: 'BENCH' } };
  await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: { ...Key, version: { N: '0' }, approvals: { N: '0' } } }));
  let attempts = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      let expected = 0;
      for (;;) {
        attempts++;
        try {
          await dynamodb.send(
            new UpdateItemCommand({
              TableName: tableName,
              Key,
              UpdateExpression: 'SET version = :next ADD approvals :one',
              ConditionExpression: 'version = :expected',
              ExpressionAttributeValues: { ':next': { N: String(expected + 1) }, ':expected': { N: String(expected) }, ':one': { N: '1' } },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          );
          return;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
          expected = Number(error.Item?.version?.N ?? expected);
        }
      }
    }),
  );
  return { ms: performance.now() - started, attempts };
}

export async function measureDecisions(
  api: ApiClient,
  technician: string,
  approvers: BenchApprover[],
): Promise<{ rows: Row[]; section: Section }> {
  const { info } = api;
  const dynamodb = new DynamoDBClient({ region: info.region, endpoint: info.dynamodb.endpoint, credentials: LOCAL_CREDENTIALS });
  const apiRounds: ApiRound[] = [];
  const floorRounds: { ms: number; attempts: number }[] = [];
  // One round of each first, not counted: DynamoDB Local's JIT warms up over the first bursts
  // (the floor's first round ran at a third of its later pace), which would favour whichever
  // measurement came second.
  await apiRound(api, technician, approvers, -1);
  await floorRound(dynamodb, info.dynamodb.tableName, approvers.length, -1);
  for (let round = 0; round < ROUNDS; round++) {
    // Which goes first alternates, so neither always finds the emulator busier or warmer.
    const floorFirst = round % 2 === 1;
    if (floorFirst) floorRounds.push(await floorRound(dynamodb, info.dynamodb.tableName, approvers.length, round));
    apiRounds.push(await apiRound(api, technician, approvers, round));
    if (!floorFirst) floorRounds.push(await floorRound(dynamodb, info.dynamodb.tableName, approvers.length, round));
  }
  dynamodb.destroy();
  const n = approvers.length;
  const rate = (ok: number, ms: number) => ok / (ms / 1000);
  const apiRates = apiRounds.map((r) => rate(r.statuses.get(200) ?? 0, r.ms));
  const floorRates = floorRounds.map((r) => rate(n, r.ms));
  const count = (status: (s: number) => boolean) =>
    apiRounds.reduce((sum, r) => sum + [...r.statuses].filter(([s]) => status(s)).reduce((a, [, c]) => a + c, 0), 0);
  const replies = `200: ${count((s) => s === 200)}, 409: ${count((s) => s === 409)}, 5xx: ${count((s) => s >= 500)}, other: ${count((s) => s !== 200 && s !== 409 && s < 500)}`;
  const rows: Row[] = [
    {
      measurement: `2. portal decisions, ${n} concurrent approvers`,
      figure: `${median(apiRates).toFixed(1)} /s`,
      floor: `${median(floorRates).toFixed(1)} /s`,
      ratio: median(apiRates) / median(floorRates),
      // Issue 12's goal (round 1's bar was 0.3×).
      goal: atLeast(1),
      note: `median of ${ROUNDS} rounds; replies ${replies}; goal from issue 12 (round 1 asked ≥ 0.3×)`,
    },
  ];
  const section: Section = {
    title: 'Decisions: rounds',
    body: [
      `After one warm-up round of each (not counted), each round opens a request (policy \`all\`) for the same ${n} approvers, waits for its mails, then fires all ${n} ` +
        '`POST /portal/approvals/{id}/responses {"decision":"approve"}` at once; the floor goes first in every other round. The floor: ' +
        `${n} concurrent conditional UpdateItems (\`version = :expected\`) on one item, each retrying at once with the version ` +
        'returned by the failed check (no re-read, no backoff).',
      '',
      table(
        ['round', 'API wall', 'API decisions/s', 'replies', 'request afterwards', 'floor wall', 'floor decisions/s', 'floor attempts'],
        apiRounds.map((r, i) => [
          String(i + 1),
          `${r.ms.toFixed(0)} ms`,
          (apiRates[i] as number).toFixed(1),
          [...r.statuses].map(([s, c]) => `${s}×${c}`).join(', '),
          r.finalStatus,
          `${(floorRounds[i] as { ms: number }).ms.toFixed(0)} ms`,
          (floorRates[i] as number).toFixed(1),
          String((floorRounds[i] as { attempts: number }).attempts),
        ]),
        ['l', 'r', 'r', 'l', 'l', 'r', 'r', 'r'],
      ),
    ].join('\n'),
  };
  return { rows, section };
}
