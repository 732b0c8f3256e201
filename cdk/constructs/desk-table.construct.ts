import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_DEFINITION } from '../../functions/store/table';
import type { DeskStage } from './stage-settings';

export interface DeskTableProps {
  stage: DeskStage;
}

/**
 * The one table, built from `TABLE_DEFINITION` so the cloud and the local target agree on keys,
 * indexes, stream and TTL. It holds the ledger, so every stage keeps it: PITR, deletion protection
 * and RETAIN apply to dev too (a deleted dev ledger is a lost afternoon of test data at best).
 */
export class DeskTable extends Construct {
  readonly table: Table;
  /** ARNs of the global secondary indexes, named one by one so grants need no `index/*` wildcard. */
  readonly indexArns: string[];

  constructor(scope: Construct, id: string, { stage }: DeskTableProps) {
    super(scope, id);

    this.table = new Table(this, 'Table', {
      // property-desk-dev / property-desk-prod: the base name of the definition, one table per stage.
      tableName: `property-${TABLE_DEFINITION.baseName}-${stage}`,
      partitionKey: { name: TABLE_DEFINITION.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_DEFINITION.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      stream: StreamViewType[TABLE_DEFINITION.streamView],
      timeToLiveAttribute: TABLE_DEFINITION.ttlAttribute,
      // The AWS managed key encrypts at rest without a key policy to maintain; a customer managed key
      // would also put kms:Decrypt into every function's grant, which the manifest does not model yet.
      encryption: TableEncryption.AWS_MANAGED,
    });

    for (const index of TABLE_DEFINITION.globalIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    this.indexArns = TABLE_DEFINITION.globalIndexes.map((index) => `${this.table.tableArn}/index/${index.indexName}`);
  }
}
