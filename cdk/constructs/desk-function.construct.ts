import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarm, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionDefinition } from '../../functions/manifest';
import { type DeskStage, resourceName, STAGE_SETTINGS } from './stage-settings';

/** Manifest entries are relative to the project root, two levels above this file. */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const DEFAULT_MEMORY_MB = 512;
const DEFAULT_TIMEOUT_SECONDS = 10;

/** ESM bundles still meet CommonJS dependencies (exceljs, …) that call `require`; give them one. */
const ESM_REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export const functionName = (stage: DeskStage, name: string) => resourceName(stage, name);

export interface DeskFunctionProps {
  stage: DeskStage;
  definition: FunctionDefinition;
  table: ITable;
  /** The table's GSI ARNs; reads through an index are authorised on the index ARN. */
  indexArns: readonly string[];
}

/**
 * One manifest entry as a Lambda function with the defaults every function of the app shares:
 * Node 22 on arm64, an ESM bundle with source maps, active tracing, its own log group with a
 * retention, a dead-letter queue for asynchronous invocations (schedules), alarms, and exactly the
 * table actions the manifest grants it.
 */
export class DeskFunction extends Construct {
  readonly definition: FunctionDefinition;
  readonly fn: NodejsFunction;
  readonly deadLetterQueue: Queue;
  readonly alarms: IAlarm[];

  constructor(scope: Construct, id: string, { stage, definition, table, indexArns }: DeskFunctionProps) {
    super(scope, id);
    this.definition = definition;
    const settings = STAGE_SETTINGS[stage];
    const name = functionName(stage, definition.name);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: a failed schedule run found after a holiday week is still there.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue IS a dead-letter queue (failed asynchronous invocations and schedule deliveries); its own alarm reports it.',
    });

    const logGroup = new LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${name}`,
      retention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });

    // An own role instead of the AWSLambdaBasicExecutionRole managed policy: logs go to one known
    // group, so the role can name it instead of allowing every log group in the account.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${name}`,
    });
    logGroup.grantWrite(role);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ManifestTableAccess',
        actions: [...definition.tableAccess],
        resources: [table.tableArn, ...indexArns],
      }),
    );

    this.fn = new NodejsFunction(this, 'Function', {
      functionName: name,
      description: definition.description,
      entry: `${PROJECT_ROOT}${definition.entry}`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: definition.memoryMb ?? DEFAULT_MEMORY_MB,
      timeout: Duration.seconds(definition.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      reservedConcurrentExecutions: definition.reservedConcurrency,
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      deadLetterQueue: this.deadLetterQueue,
      environment: {
        TABLE_NAME: table.tableName,
        STAGE: stage,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        target: 'node22',
        minify: true,
        sourceMap: true,
        // Bundle with the esbuild in node_modules; Docker is neither needed nor available offline.
        forceDockerBundling: false,
      },
    });
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 (LTS) is the runtime DESIGN.md fixes for both targets; moving to nodejs24.x is a deliberate upgrade of the app and the local target together, not a lint fix.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });

    this.alarms = [
      new Alarm(this, 'DeadLetterAlarm', {
        alarmName: `${name}-dead-letters`,
        alarmDescription: `${name}: an asynchronous invocation or schedule delivery failed for good and sits in the dead-letter queue`,
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: Stats.MAXIMUM,
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'ErrorsAlarm', {
        alarmName: `${name}-errors`,
        alarmDescription: `${name}: the function threw (an unhandled error, a timeout or running out of memory)`,
        metric: this.fn.metricErrors({ period: Duration.minutes(5), statistic: Stats.SUM }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'ThrottlesAlarm', {
        alarmName: `${name}-throttles`,
        alarmDescription: `${name}: requests were refused for lack of concurrency`,
        metric: this.fn.metricThrottles({ period: Duration.minutes(5), statistic: Stats.SUM }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
  }
}
