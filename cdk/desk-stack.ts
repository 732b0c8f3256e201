import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { manifest } from '../functions/manifest';
import { DeskFunction } from './constructs/desk-function.construct';
import { DeskTable } from './constructs/desk-table.construct';
import { DeskHttpApi } from './constructs/http-api.construct';
import { DeskSchedules } from './constructs/schedules.construct';
import { StaffPool } from './constructs/staff-pool.construct';
import type { DeskStage } from './constructs/stage-settings';

export interface DeskStackProps extends StackProps {
  stage: DeskStage;
}

/** The AWS target: everything the manifest declares, wired to the one table and the staff pool. */
export class DeskStack extends Stack {
  readonly table: DeskTable;
  readonly staff: StaffPool;
  readonly functions: ReadonlyMap<string, DeskFunction>;
  readonly api: DeskHttpApi;
  readonly schedules: DeskSchedules;

  constructor(scope: Construct, id: string, props: DeskStackProps) {
    super(scope, id, props);
    const { stage } = props;

    this.table = new DeskTable(this, 'Store', { stage });
    this.staff = new StaffPool(this, 'Staff', { stage });

    const functions = new Map<string, DeskFunction>();
    for (const definition of manifest) {
      functions.set(
        definition.name,
        new DeskFunction(this, `Fn-${definition.name}`, {
          stage,
          definition,
          table: this.table.table,
          indexArns: this.table.indexArns,
        }),
      );
    }
    this.functions = functions;

    this.api = new DeskHttpApi(this, 'Http', {
      stage,
      functions: new Map([...functions].map(([name, deskFunction]) => [name, deskFunction.fn])),
      userPool: this.staff.userPool,
      userPoolClient: this.staff.client,
    });
    this.schedules = new DeskSchedules(this, 'Schedules', { stage, functions });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'UserPoolId', { value: this.staff.userPool.userPoolId, description: 'Staff user pool' });
    new CfnOutput(this, 'UserPoolClientId', { value: this.staff.client.userPoolClientId, description: 'Staff app client' });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName, description: 'The one DynamoDB table' });
  }
}
