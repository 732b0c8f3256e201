import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ParamsAndSecretsLayerVersion, ParamsAndSecretsLogLevel, ParamsAndSecretsVersions } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type FunctionDefinition, manifest, type SettingName } from '../functions/manifest';
import { DeskDashboard } from './constructs/desk-dashboard.construct';
import { DeskFunction } from './constructs/desk-function.construct';
import { DeskSecrets } from './constructs/desk-secrets.construct';
import { DeskTable } from './constructs/desk-table.construct';
import { DeskHttpApi, type StaffTokens } from './constructs/http-api.construct';
import { NoticeTopic } from './constructs/notice-topic.construct';
import { DeskSchedules } from './constructs/schedules.construct';
import type { StaffIssuer } from './constructs/staff-issuer';
import { StaffPool } from './constructs/staff-pool.construct';
import type { DeskStage } from './constructs/stage-settings';

export interface DeskStackProps extends StackProps {
  stage: DeskStage;
  /** The functions to build; the app's manifest unless a test passes its own. */
  definitions?: readonly FunctionDefinition[];
  /** An OIDC issuer for staff tokens instead of a Cognito user pool (`-c jwtIssuer=… -c jwtAudience=…`). */
  staffIssuer?: StaffIssuer | undefined;
  /**
   * ARN of the AWS Parameters and Secrets Lambda Extension layer (arm64) to use (`-c secretsExtensionLayerArn=…`).
   * Default: the version CDK knows, looked up by the deployment region (commercial regions; the China regions
   * need this value, see the README).
   */
  secretsExtensionLayerArn?: string | undefined;
  /** Deployment settings (`-c googleSheetsId=… -c sheetsEstateId=…`), passed to the functions that list them. */
  settings?: Partial<Record<SettingName, string>> | undefined;
}

/** The extension caches a secret this long; the payments code caches what it read for 5 minutes on top. */
const SECRETS_EXTENSION_TTL = Duration.minutes(1);

/** The AWS target: everything the manifest declares, wired to the one table, the secrets, the notice topic and the staff pool. */
export class DeskStack extends Stack {
  readonly table: DeskTable;
  readonly staff: StaffPool | undefined;
  readonly secrets: DeskSecrets;
  readonly notices: NoticeTopic;
  readonly functions: ReadonlyMap<string, DeskFunction>;
  readonly api: DeskHttpApi;
  readonly schedules: DeskSchedules;
  readonly dashboard: DeskDashboard;

  constructor(scope: Construct, id: string, props: DeskStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const definitions = props.definitions ?? manifest;

    this.table = new DeskTable(this, 'Store', { stage });
    this.staff = props.staffIssuer ? undefined : new StaffPool(this, 'Staff', { stage });
    this.secrets = new DeskSecrets(this, 'Secrets', { stage });
    this.notices = new NoticeTopic(this, 'Notices', { stage });

    const extensionOptions = {
      cacheEnabled: true,
      secretsManagerTtl: SECRETS_EXTENSION_TTL,
      logLevel: ParamsAndSecretsLogLevel.WARN,
    };
    const secretsExtension = props.secretsExtensionLayerArn
      ? ParamsAndSecretsLayerVersion.fromVersionArn(props.secretsExtensionLayerArn, extensionOptions)
      : ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, extensionOptions);

    const functions = new Map<string, DeskFunction>();
    for (const definition of definitions) {
      if (functions.has(definition.name)) throw new Error(`Manifest entry ${definition.name} is declared twice`);
      functions.set(
        definition.name,
        new DeskFunction(this, `Fn-${definition.name}`, {
          stage,
          definition,
          table: this.table.table,
          indexArns: this.table.indexArns,
          secrets: this.secrets,
          noticeTopic: this.notices,
          secretsExtension,
          settings: props.settings,
        }),
      );
    }
    this.functions = functions;

    const staffTokens: StaffTokens = this.staff
      ? { kind: 'cognito', userPool: this.staff.userPool, userPoolClient: this.staff.client }
      : { kind: 'oidc', issuer: props.staffIssuer as StaffIssuer };
    this.api = new DeskHttpApi(this, 'Http', {
      stage,
      definitions,
      functions: new Map([...functions].map(([name, deskFunction]) => [name, deskFunction.fn])),
      staffTokens,
    });
    this.schedules = new DeskSchedules(this, 'Schedules', { stage, definitions, functions });

    // Every alarm of the stack notifies the notice topic (subscriptions: README).
    const alarms = this.node.findAll().filter((construct): construct is Alarm => construct instanceof Alarm);
    const notify = new SnsAction(this.notices.topic);
    for (const alarm of alarms) alarm.addAlarmAction(notify);

    const deadLetterQueues = new Map<string, IQueue>();
    for (const [name, deskFunction] of functions) {
      deadLetterQueues.set(name, deskFunction.deadLetterQueue);
      if (deskFunction.stream) deadLetterQueues.set(`${name} (stream)`, deskFunction.stream.deadLetters.queue);
    }
    for (const [name, deadLetters] of this.schedules.deadLetters) deadLetterQueues.set(`${name} (scheduler)`, deadLetters.queue);
    this.dashboard = new DeskDashboard(this, 'Monitoring', {
      stage,
      api: this.api.api,
      functions: new Map([...functions].map(([name, deskFunction]) => [name, deskFunction.fn])),
      deadLetterQueues,
      table: this.table.table,
      alarms,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    if (this.staff) {
      new CfnOutput(this, 'UserPoolId', { value: this.staff.userPool.userPoolId, description: 'Staff user pool' });
      new CfnOutput(this, 'UserPoolClientId', { value: this.staff.client.userPoolClientId, description: 'Staff app client' });
    }
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName, description: 'The one DynamoDB table' });
    new CfnOutput(this, 'NoticeTopicArn', {
      value: this.notices.topic.topicArn,
      description: 'Alarms, reminders and notices: subscribe people or a forwarder here',
    });
    new CfnOutput(this, 'DashboardName', {
      value: this.dashboard.dashboard.dashboardName,
      description: 'CloudWatch dashboard of this stage',
    });
  }
}
