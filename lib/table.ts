import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { type IndexName, TABLE_DEFINITION } from '../functions/store/table-definition.js';
import { removalPolicyOf } from './stage-config.js';

/**
 * DynamoDB's stream grant gives `dynamodb:ListStreams` on `*` (CDK's default). Lambda's poller
 * reads a stream by its ARN and needs only DescribeStream, GetShardIterator and GetRecords; AWS's
 * own example policy scopes ListStreams to the table's streams too. So the grant stays on this
 * table's stream, and no role in the stack holds a DynamoDB action on `*`.
 */
class StreamScopedTable extends dynamodb.Table {
  override grantStreamRead(grantee: iam.IGrantable): iam.Grant {
    return this.grantStream(grantee, 'dynamodb:DescribeStream', 'dynamodb:GetShardIterator', 'dynamodb:GetRecords', 'dynamodb:ListStreams');
  }
}

export interface DataTableProps {
  /** Dev stages can be destroyed with their data; every other stage keeps it. */
  isDev: boolean;
}

const string = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

/** The one table, declared from the shared definition the store and the local stack use. */
export class DataTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DataTableProps) {
    super(scope, id);
    this.table = new StreamScopedTable(this, 'Table', {
      partitionKey: string(TABLE_DEFINITION.partitionKey),
      sortKey: string(TABLE_DEFINITION.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE_DEFINITION.ttlAttribute,
      // The mailer reads outbox inserts from the stream; old images help when debugging a change.
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      // Recovery to any second of the last 35 days, in every stage: cheap at this size, and a dev
      // stage holds real test data worth a rollback too.
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: !props.isDev,
      removalPolicy: removalPolicyOf(props.isDev),
    });
    for (const index of TABLE_DEFINITION.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: string(index.partitionKey),
        sortKey: string(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  /** The ARN a Query on one index is authorised against. */
  indexArn(name: IndexName): string {
    return `${this.table.tableArn}/index/${name}`;
  }
}
