import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarm, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type ParamsAndSecretsLayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionDefinition, SettingName } from '../../functions/manifest';
import { DeadLetterQueue } from './dead-letter-queue.construct';
import { type DeskSecrets, secretEnvName } from './desk-secrets.construct';
import type { NoticeTopic } from './notice-topic.construct';
import { type DeskStage, resourceName, STAGE_SETTINGS } from './stage-settings';
import { TableStreamTrigger } from './table-stream-trigger.construct';

/** Manifest entries are relative to the project root, two levels above this file. */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const DEFAULT_MEMORY_MB = 512;
export const DEFAULT_TIMEOUT_SECONDS = 10;

/** ESM bundles still meet CommonJS dependencies (exceljs, …) that call `require`; give them one. */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export const functionName = (stage: DeskStage, name: string) => resourceName(stage, name);

export interface DeskFunctionProps {
  stage: DeskStage;
  definition: FunctionDefinition;
  table: ITable;
  /** The table's GSI ARNs; reads through an index are authorised on the index ARN. */
  indexArns: readonly string[];
  /** The stage's secrets; a function gets only those its manifest entry lists. */
  secrets: DeskSecrets;
  /** The notice topic; a function may publish only if its manifest entry lists `notice`. */
  noticeTopic: NoticeTopic;
  /** The Parameters and Secrets Lambda Extension, added to functions that read a secret. */
  secretsExtension: ParamsAndSecretsLayerVersion;
  /** Deployment settings (`-c googleSheetsId=…`); a function gets those its manifest entry lists. */
  settings?: Partial<Record<SettingName, string>> | undefined;
}

/**
 * One manifest entry as a Lambda function with the defaults every function of the app shares:
 * Node 22 on arm64, an ESM bundle with source maps, active tracing, its own log group with a
 * retention, a dead-letter queue for asynchronous invocations (schedules), alarms, and exactly what
 * the manifest grants it: table actions, secrets (read through the extension, ARN in `<NAME>_SECRET_ID`),
 * publishing to the notice topic (`NOTICE_TOPIC_ARN`), and its table-stream trigger.
 */
export class DeskFunction extends Construct {
  readonly definition: FunctionDefinition;
  readonly fn: NodejsFunction;
  readonly deadLetterQueue: Queue;
  readonly alarms: IAlarm[];
  /** The stream trigger, when the manifest entry has one. */
  readonly stream: TableStreamTrigger | undefined;

  constructor(scope: Construct, id: string, props: DeskFunctionProps) {
    super(scope, id);
    const { stage, definition, table, indexArns } = props;
    this.definition = definition;
    const settings = STAGE_SETTINGS[stage];
    const name = functionName(stage, definition.name);

    const deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      alarmName: `${name}-dead-letters`,
      holds: `${name}: asynchronous invocations that failed after Lambda's retries`,
    });
    this.deadLetterQueue = deadLetters.queue;

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
    if (definition.tableAccess.length > 0) {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'ManifestTableAccess',
          actions: [...definition.tableAccess],
          resources: [table.tableArn, ...indexArns],
        }),
      );
    }

    const environment: Record<string, string> = {
      TABLE_NAME: table.tableName,
      STAGE: stage,
      NODE_OPTIONS: '--enable-source-maps',
    };
    // The ARN, never the value: the function reads the value at run time through the extension.
    for (const secret of definition.secrets ?? []) {
      props.secrets.grantRead(secret, role);
      environment[secretEnvName(secret)] = props.secrets.secret(secret).secretArn;
    }
    for (const setting of definition.settings ?? []) {
      const value = props.settings?.[setting];
      if (value) environment[setting] = value;
    }
    for (const topic of definition.topics ?? []) {
      if (topic !== 'notice') throw new Error(`${definition.name}: unknown topic ${topic}`);
      props.noticeTopic.grantPublish(role);
      environment.NOTICE_TOPIC_ARN = props.noticeTopic.topic.topicArn;
    }

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
      environment,
      ...((definition.secrets ?? []).length > 0 ? { paramsAndSecrets: props.secretsExtension } : {}),
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        target: 'node22',
        minify: true,
        sourceMap: true,
        // The SDK is bundled (tree-shaken) rather than loaded from the runtime's copy: cold imports measured 2–3×
        // faster (`npm run bench -- bundles`), and the deployed SDK is the version the tests ran against.
        bundleAwsSDK: true,
        // Bundle with the esbuild in node_modules; Docker is neither needed nor available offline.
        forceDockerBundling: false,
      },
    });
    const runtimeReason =
      'Node.js 22 (LTS) is the runtime DESIGN.md fixes for both targets; moving to nodejs24.x is a deliberate upgrade of the app and the local target together, not a lint fix.';
    Validations.of(this.fn).acknowledge(
      { id: 'AwsSolutions-L1', reason: runtimeReason },
      { id: 'Serverless-LambdaLatestVersion', reason: runtimeReason },
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });

    this.stream = definition.stream
      ? new TableStreamTrigger(this, 'Stream', { stage, fn: this.fn, table, trigger: definition.stream, name })
      : undefined;

    this.alarms = [
      deadLetters.alarm,
      ...(this.stream ? [this.stream.deadLetters.alarm] : []),
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
