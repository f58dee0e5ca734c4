import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors.js';
import type { Approver, ApproverKind } from '../domain/types.js';
import { batchGet } from './batch-get.js';
import { documents, tableName } from './client.js';
import { indexKeys, keys } from './keys.js';
import { queryPage } from './paging.js';
import { INDEX } from './table-definition.js';
import { StaleStateError, type TxWrite, transact, txConditionCheck } from './transaction.js';

/** A directory entry: the approver and their portal login. */
export interface DirectoryEntry extends Approver {
  listed: boolean;
  /** Cognito username and `sub` of the approver's portal login, once provisioned. */
  login: { username: string; sub: string } | null;
}

/** Who a portal token belongs to: the login item, read on every approver call. */
export interface LoginRecord {
  approverId: string;
  kind: ApproverKind;
  listed: boolean;
}

type Item = Record<string, unknown>;

/** A directory entry from its item (APPROVER#a / PROFILE). */
export function toDirectoryEntry(item: Item): DirectoryEntry {
  return {
    approverId: item.approverId as string,
    kind: item.kind as ApproverKind,
    name: item.name as string,
    email: item.email as string,
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
    listed: item.listed === true,
    login: (item.login as DirectoryEntry['login']) ?? null,
  };
}

export function toApprover(entry: DirectoryEntry): Approver {
  const { approverId, kind, name, email, createdAt, updatedAt } = entry;
  return { approverId, kind, name, email, createdAt, updatedAt, loginSub: entry.login?.sub ?? null };
}

export async function getApprover(approverId: string): Promise<DirectoryEntry | null> {
  const result = await documents.send(new GetCommand({ TableName: tableName(), Key: keys.approver(approverId), ConsistentRead: true }));
  return result.Item ? toDirectoryEntry(result.Item) : null;
}

/** Who holds this email address, if anyone. */
export async function emailOwner(email: string): Promise<string | null> {
  const result = await documents.send(new GetCommand({ TableName: tableName(), Key: keys.emailGuard(email), ConsistentRead: true }));
  return (result.Item?.approverId as string | undefined) ?? null;
}

/** Read consistently: a delisting must refuse the approver's very next call (DESIGN: delisting is enforced by the API). */
export async function getLogin(sub: string): Promise<LoginRecord | null> {
  const result = await documents.send(new GetCommand({ TableName: tableName(), Key: keys.login(sub), ConsistentRead: true }));
  const item = result.Item;
  return item ? { approverId: item.approverId as string, kind: item.kind as ApproverKind, listed: item.listed === true } : null;
}

/** The login is no longer (or never was) the listed approver a write assumed. */
export class LoginNotConfirmed extends Error {}

/**
 * A transaction's check that this login is still the listed approver `approverId`: the write
 * commits only if the directory says so at that moment, so it needs no read of the login first.
 */
export function loginCheck(sub: string, approverId: string): TxWrite {
  return txConditionCheck(
    {
      Key: keys.login(sub),
      ConditionExpression: 'listed = :listed AND approverId = :approverId',
      ExpressionAttributeValues: { ':listed': true, ':approverId': approverId },
    },
    () => new LoginNotConfirmed(),
  );
}

/** Many directory entries in one BatchGetItem (a recipient list is at most 50). */
export async function getApprovers(approverIds: string[]): Promise<Map<string, DirectoryEntry>> {
  const items = await batchGet(
    [...new Set(approverIds)].map((id) => keys.approver(id)),
    { consistent: true },
  );
  const found = new Map(items.map((item) => [item.approverId as string, toDirectoryEntry(item)]));
  return found;
}

/** Listed approvers of one kind, by name. */
/** The directory by kind, then by name: users, then contacts (or one kind), a page at a time. */
export async function listApprovers(
  kinds: readonly ApproverKind[],
  limit: number,
  cursor?: string,
): Promise<{ entries: DirectoryEntry[]; next: string | null }> {
  const page = await queryPage(
    kinds.map((kind) => ({
      input: {
        IndexName: INDEX.listings.name,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': indexKeys.directoryPk(kind) },
      },
      keyAttributes: ['pk', 'sk', 'gsi2pk', 'gsi2sk'],
      partition: { attribute: 'gsi2pk', value: indexKeys.directoryPk(kind) },
    })),
    limit,
    cursor,
  );
  return { entries: page.items.map(toDirectoryEntry), next: page.next };
}

function loginWrite(entry: DirectoryEntry): TxWrite[] {
  if (!entry.login) return [];
  return [
    {
      item: {
        Put: {
          TableName: tableName(),
          Item: { ...keys.login(entry.login.sub), entity: 'login', approverId: entry.approverId, kind: entry.kind, listed: entry.listed },
        },
      },
    },
  ];
}

/**
 * Lists (or updates) an approver. The email guard is written in the same transaction, so two
 * approvers can never hold one address, whatever the timing; `previous` guards the update.
 */
export async function saveApprover(entry: DirectoryEntry, previous: DirectoryEntry | null): Promise<void> {
  const duplicate = () => new ConflictError('duplicate_email', `The email ${entry.email} is already used by another approver.`);
  const writes: TxWrite[] = [
    {
      item: {
        Put: {
          TableName: tableName(),
          Item: {
            ...keys.approver(entry.approverId),
            entity: 'approver',
            ...entry,
            ...(entry.listed ? indexKeys.directory(entry.kind, entry.name, entry.approverId) : {}),
          },
          ConditionExpression: previous ? 'updatedAt = :previous' : 'attribute_not_exists(pk)',
          ...(previous ? { ExpressionAttributeValues: { ':previous': previous.updatedAt } } : {}),
        },
      },
      onConditionFailed: () => new StaleStateError(),
    },
    {
      item: {
        Put: {
          TableName: tableName(),
          Item: { ...keys.emailGuard(entry.email), entity: 'email-guard', approverId: entry.approverId },
          ConditionExpression: 'attribute_not_exists(pk) OR approverId = :id',
          ExpressionAttributeValues: { ':id': entry.approverId },
        },
      },
      onConditionFailed: duplicate,
    },
    ...loginWrite(entry),
  ];
  if (previous && previous.email.toLowerCase() !== entry.email.toLowerCase()) {
    writes.push({
      item: {
        Delete: {
          TableName: tableName(),
          Key: keys.emailGuard(previous.email),
          ConditionExpression: 'attribute_not_exists(pk) OR approverId = :id',
          ExpressionAttributeValues: { ':id': entry.approverId },
        },
      },
    });
  }
  if (previous?.login && previous.login.sub !== entry.login?.sub) {
    writes.push({ item: { Delete: { TableName: tableName(), Key: keys.login(previous.login.sub) } } });
  }
  await transact(writes);
}

/** Delists: off the directory, the email freed, the login marked so the API refuses it. */
export async function delistApprover(entry: DirectoryEntry, at: string): Promise<void> {
  const delisted: DirectoryEntry = { ...entry, listed: false, updatedAt: at };
  await transact([
    {
      item: {
        Put: {
          TableName: tableName(),
          Item: { ...keys.approver(entry.approverId), entity: 'approver', ...delisted, delistedAt: at },
          ConditionExpression: 'updatedAt = :previous',
          ExpressionAttributeValues: { ':previous': entry.updatedAt },
        },
      },
      onConditionFailed: () => new StaleStateError(),
    },
    {
      item: {
        Delete: {
          TableName: tableName(),
          Key: keys.emailGuard(entry.email),
          ConditionExpression: 'attribute_not_exists(pk) OR approverId = :id',
          ExpressionAttributeValues: { ':id': entry.approverId },
        },
      },
    },
    ...loginWrite(delisted),
  ]);
}
