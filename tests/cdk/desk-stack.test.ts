import { App, type CfnResource, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionName } from '../../cdk/constructs/desk-function.construct';
import { API_THROTTLE } from '../../cdk/constructs/http-api.construct';
import type { DeskStage } from '../../cdk/constructs/stage-settings';
import { DeskStack } from '../../cdk/desk-stack';
import { ROLE_NAMES } from '../../functions/core/roles';
import { routeKey } from '../../functions/core/route';
import { allRoutes, allSchedules, manifest } from '../../functions/manifest';
import { TABLE_DEFINITION } from '../../functions/store/table';

interface Synthesised {
  stack: DeskStack;
  template: Template;
}

/** `aws:cdk:bundling-stacks: []` skips esbuild: these tests read the template, not the bundles. */
const synthesise = (stage: DeskStage): Synthesised => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new DeskStack(app, `PropertyDesk-${stage}`, { stage });
  return { stack, template: Template.fromStack(stack) };
};

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const actionsOf = (statement: Statement): string[] => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);

/** Every statement of every identity policy in the template (CDK puts grants in AWS::IAM::Policy). */
const allStatements = (template: Template): Statement[] => [
  ...Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  ),
  ...Object.values(template.findResources('AWS::IAM::Role')).flatMap((role) =>
    ((role.Properties.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap(
      (policy) => policy.PolicyDocument.Statement,
    ),
  ),
];

const logicalIdOfFunction = (template: Template, stage: DeskStage, name: string): string => {
  const found = Object.keys(
    template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: functionName(stage, name) } }),
  );
  if (found.length !== 1) throw new Error(`expected one function ${name}, found ${found.length}`);
  return found[0] as string;
};

const functionProperties = (template: Template, stage: DeskStage, name: string) =>
  template.toJSON().Resources[logicalIdOfFunction(template, stage, name)].Properties;

/** The statements of the identity policies attached to a function's execution role. */
const statementsOfFunction = (template: Template, stage: DeskStage, name: string): Statement[] => {
  const roleId = functionProperties(template, stage, name).Role['Fn::GetAtt'][0] as string;
  return Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } })).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );
};

const tableLogicalId = ({ stack }: Synthesised): string => stack.getLogicalId(stack.table.table.node.defaultChild as CfnResource);

const manifestNames = manifest.map((fn) => fn.name);
const routeCases = allRoutes().map(({ fn, route }) => ({ key: routeKey(route), fn: fn.name, auth: route.auth }));
const scheduleCases = allSchedules().map(({ fn, schedule }) => ({ id: schedule.id, fn: fn.name, schedule }));

describe('DeskStack', () => {
  let dev: Synthesised;

  beforeAll(() => {
    dev = synthesise('dev');
  });

  describe('table', () => {
    it('turns point-in-time recovery on when the table is built', () => {
      // Prepare: the dev stack, synthesised once for the file
      // Act
      const tables = dev.template.findResources('AWS::DynamoDB::Table');
      // Assess
      expect(Object.values(tables).map((table) => table.Properties.PointInTimeRecoverySpecification)).toEqual([
        { PointInTimeRecoveryEnabled: true },
      ]);
    });

    it('turns deletion protection on when the table is built', () => {
      // Prepare + Act
      const tables = dev.template.findResources('AWS::DynamoDB::Table');
      // Assess
      expect(Object.values(tables).map((table) => table.Properties.DeletionProtectionEnabled)).toEqual([true]);
    });

    it('retains the table when the stack is deleted or the table replaced', () => {
      // Prepare + Act
      const tables = dev.template.findResources('AWS::DynamoDB::Table');
      // Assess
      expect(Object.values(tables).map((table) => [table.DeletionPolicy, table.UpdateReplacePolicy])).toEqual([
        ['Retain', 'Retain'],
      ]);
    });

    it('streams new and old images when the table is built', () => {
      // Prepare + Act + Assess
      dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      });
    });

    it('expires items on the expiresAt attribute when the table is built', () => {
      // Prepare + Act + Assess
      dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      });
    });

    it('creates every index of TABLE_DEFINITION with all attributes projected', () => {
      // Prepare
      const expected = TABLE_DEFINITION.globalIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      }));
      // Act + Assess
      dev.template.hasResourceProperties('AWS::DynamoDB::Table', { GlobalSecondaryIndexes: expected });
    });

    it('bills per request when the table is built', () => {
      // Prepare + Act + Assess
      dev.template.hasResourceProperties('AWS::DynamoDB::Table', { BillingMode: 'PAY_PER_REQUEST' });
    });
  });

  describe('functions', () => {
    it.each(manifestNames)('runs %s on Node.js 22 and arm64 when the manifest declares it', (name) => {
      // Prepare + Act
      const props = functionProperties(dev.template, 'dev', name);
      // Assess
      expect([props.Runtime, props.Architectures]).toEqual(['nodejs22.x', ['arm64']]);
    });

    it.each(manifest.map((fn) => [fn.name, fn.memoryMb ?? 512, fn.timeoutSeconds ?? 10] as const))(
      'sizes %s at %i MB and %i s from the manifest (defaults 512 MB / 10 s)',
      (name, memory, timeout) => {
        // Prepare + Act
        const props = functionProperties(dev.template, 'dev', name);
        // Assess
        expect([props.MemorySize, props.Timeout]).toEqual([memory, timeout]);
      },
    );

    it.each(manifestNames)('tells %s the table name, the stage and to use source maps', (name) => {
      // Prepare + Act
      const props = functionProperties(dev.template, 'dev', name);
      // Assess
      expect(props.Environment.Variables).toEqual({
        TABLE_NAME: { Ref: tableLogicalId(dev) },
        STAGE: 'dev',
        NODE_OPTIONS: '--enable-source-maps',
      });
    });

    it.each(manifestNames)('traces %s with X-Ray', (name) => {
      // Prepare + Act
      const props = functionProperties(dev.template, 'dev', name);
      // Assess
      expect(props.TracingConfig).toEqual({ Mode: 'Active' });
    });

    it.each(manifestNames)('gives %s a dead-letter queue for asynchronous invocations', (name) => {
      // Prepare
      const props = functionProperties(dev.template, 'dev', name);
      // Act
      const queueId = props.DeadLetterConfig?.TargetArn?.['Fn::GetAtt']?.[0] as string;
      // Assess
      expect(dev.template.toJSON().Resources[queueId]?.Type).toBe('AWS::SQS::Queue');
    });

    it.each(manifestNames)('alarms when the dead-letter queue of %s holds a message', (name) => {
      // Prepare
      const queueId = functionProperties(dev.template, 'dev', name).DeadLetterConfig.TargetArn['Fn::GetAtt'][0] as string;
      // Act
      const alarms = dev.template.findResources('AWS::CloudWatch::Alarm', {
        Properties: {
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 0,
        },
      });
      // Assess
      expect(Object.keys(alarms)).toHaveLength(1);
    });

    it.each(
      manifestNames.flatMap((name) => [
        [name, 'Errors'],
        [name, 'Throttles'],
      ]),
    )('alarms when %s reports %s', (name, metric) => {
      // Prepare
      const fnId = logicalIdOfFunction(dev.template, 'dev', name);
      // Act
      const alarms = dev.template.findResources('AWS::CloudWatch::Alarm', {
        Properties: {
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 0,
        },
      });
      // Assess
      expect(Object.keys(alarms)).toHaveLength(1);
    });

    it.each(manifest.filter((fn) => fn.reservedConcurrency !== undefined).map((fn) => [fn.name, fn.reservedConcurrency]))(
      'reserves %s concurrency when the manifest asks for it',
      (name, reserved) => {
        // Prepare + Act
        const props = functionProperties(dev.template, 'dev', name as string);
        // Assess
        expect(props.ReservedConcurrentExecutions).toBe(reserved);
      },
    );

    it.each(manifestNames)('keeps the logs of %s for a month in dev', (name) => {
      // Prepare
      const logGroupId = functionProperties(dev.template, 'dev', name).LoggingConfig.LogGroup.Ref as string;
      // Act
      const logGroup = dev.template.toJSON().Resources[logGroupId];
      // Assess
      expect(logGroup.Properties.RetentionInDays).toBe(30);
    });

    it('keeps function logs for a year when the stage is prod', () => {
      // Prepare
      const prod = synthesise('prod');
      const name = manifestNames[0] as string;
      const logGroupId = functionProperties(prod.template, 'prod', name).LoggingConfig.LogGroup.Ref as string;
      // Act
      const logGroup = prod.template.toJSON().Resources[logGroupId];
      // Assess
      expect(logGroup.Properties.RetentionInDays).toBe(365);
    });
  });

  describe('table permissions', () => {
    it('grants no wildcard action in any IAM policy', () => {
      // Prepare
      const statements = allStatements(dev.template);
      // Act
      const wildcards = statements.flatMap(actionsOf).filter((action) => action === '*' || action.endsWith(':*'));
      // Assess
      expect(wildcards).toEqual([]);
    });

    it.each(manifestNames)('grants %s exactly the table actions its manifest entry lists', (name) => {
      // Prepare
      const definition = manifest.find((fn) => fn.name === name);
      // Act
      const granted = statementsOfFunction(dev.template, 'dev', name)
        .flatMap(actionsOf)
        .filter((action) => action.startsWith('dynamodb:'));
      // Assess
      expect([...new Set(granted)].sort()).toEqual([...(definition?.tableAccess ?? [])].sort());
    });

    it.each(manifestNames)('grants the table actions of %s on the table and its indexes only', (name) => {
      // Prepare
      const tableStatements = statementsOfFunction(dev.template, 'dev', name).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('dynamodb:')),
      );
      // Act
      const resources = tableStatements.flatMap((statement) => statement.Resource);
      // Assess
      const tableArn = { 'Fn::GetAtt': [tableLogicalId(dev), 'Arn'] };
      expect(resources).toEqual([
        tableArn,
        ...TABLE_DEFINITION.globalIndexes.map((index) => ({ 'Fn::Join': ['', [tableArn, `/index/${index.indexName}`]] })),
      ]);
    });
  });

  describe('HTTP API', () => {
    it.each(routeCases)('serves $key from $fn with the $auth authorization', ({ key, auth }) => {
      // Prepare
      const expected = auth === 'staff' ? 'JWT' : 'NONE';
      // Act
      const routes = dev.template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: key } });
      // Assess
      expect(Object.values(routes).map((route) => route.Properties.AuthorizationType)).toEqual([expected]);
    });

    it('serves no route the manifest does not declare', () => {
      // Prepare
      const declared = routeCases.map((route) => route.key).sort();
      // Act
      const served = Object.values(dev.template.findResources('AWS::ApiGatewayV2::Route'))
        .map((route) => route.Properties.RouteKey as string)
        .sort();
      // Assess
      expect(served).toEqual(declared);
    });

    it('checks staff tokens against the staff user pool and its app client', () => {
      // Prepare + Act + Assess
      dev.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Audience: [{ Ref: Match.stringLikeRegexp('^StaffUserPoolStaffAppClient') }],
          Issuer: { 'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('^StaffUserPool') }])] },
        },
      });
    });

    it('throttles the default stage', () => {
      // Prepare + Act + Assess
      dev.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        DefaultRouteSettings: { ThrottlingBurstLimit: API_THROTTLE.burstLimit, ThrottlingRateLimit: API_THROTTLE.rateLimit },
      });
    });

    it('writes JSON access logs to a log group', () => {
      // Prepare + Act + Assess
      dev.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
          Format: Match.serializedJson(Match.objectLike({ requestId: '$context.requestId', status: '$context.status' })),
        },
      });
    });

    it('outputs the API URL', () => {
      // Prepare + Act
      const outputs = dev.template.findOutputs('ApiUrl');
      // Assess
      expect(Object.keys(outputs)).toEqual(['ApiUrl']);
    });
  });

  describe('staff pool', () => {
    it.each(ROLE_NAMES)('has a user-pool group named %s', (role) => {
      // Prepare + Act
      const groups = dev.template.findResources('AWS::Cognito::UserPoolGroup', { Properties: { GroupName: role } });
      // Assess
      expect(Object.keys(groups)).toHaveLength(1);
    });

    it('lets only administrators create accounts', () => {
      // Prepare + Act + Assess
      dev.template.hasResourceProperties('AWS::Cognito::UserPool', { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
    });

    it('requires a long password with every character class', () => {
      // Prepare + Act + Assess
      dev.template.hasResourceProperties('AWS::Cognito::UserPool', {
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
      });
    });
  });

  describe('schedules', () => {
    it.each(scheduleCases)('schedules $id on Beijing time with the manifest expression', ({ schedule }) => {
      // Prepare + Act
      const found = dev.template.findResources('AWS::Scheduler::Schedule', {
        Properties: { ScheduleExpression: schedule.expression, ScheduleExpressionTimezone: 'Asia/Shanghai' },
      });
      // Assess
      expect(Object.keys(found)).toHaveLength(1);
    });

    it.each(scheduleCases)('runs $id exactly on time (no flexible window)', ({ schedule }) => {
      // Prepare + Act + Assess
      dev.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: schedule.expression,
        FlexibleTimeWindow: { Mode: 'OFF' },
      });
    });

    it.each(scheduleCases)('delivers the schedule id and scheduled time to $fn for $id', ({ id, fn }) => {
      // Prepare
      const fnId = logicalIdOfFunction(dev.template, 'dev', fn);
      // Act + Assess
      dev.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        Target: Match.objectLike({
          Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
          Input: Match.serializedJson({ scheduleId: id, scheduledTime: '<aws.scheduler.scheduled-time>' }),
        }),
      });
    });

    it.each(scheduleCases)('retries $id and dead-letters it into the queue of $fn', ({ fn, schedule }) => {
      // Prepare
      const queueId = functionProperties(dev.template, 'dev', fn).DeadLetterConfig.TargetArn['Fn::GetAtt'][0] as string;
      // Act + Assess
      dev.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: schedule.expression,
        Target: Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: Match.anyValue(), MaximumEventAgeInSeconds: Match.anyValue() },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        }),
      });
    });

    it.each(scheduleCases)('lets the role of $id invoke only $fn and write only to its dead-letter queue', ({ fn, schedule }) => {
      // Prepare
      const fnProps = functionProperties(dev.template, 'dev', fn);
      const queueId = fnProps.DeadLetterConfig.TargetArn['Fn::GetAtt'][0] as string;
      const [scheduleResource] = Object.values(
        dev.template.findResources('AWS::Scheduler::Schedule', { Properties: { ScheduleExpression: schedule.expression } }),
      );
      const roleId = scheduleResource?.Properties.Target.RoleArn['Fn::GetAtt'][0] as string;
      // Act
      const statements = Object.values(
        dev.template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
      ).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
      // Assess
      expect(statements.map((statement) => [actionsOf(statement), statement.Resource])).toEqual([
        [['lambda:InvokeFunction'], { 'Fn::GetAtt': [logicalIdOfFunction(dev.template, 'dev', fn), 'Arn'] }],
        [['sqs:SendMessage'], { 'Fn::GetAtt': [queueId, 'Arn'] }],
      ]);
    });
  });

  describe('cdk-nag', () => {
    // cdk-nag 3 is a policy-validation plugin, not an aspect: its findings are no longer Annotations.
    // `validateScope` runs the same rules synth runs and leaves out what is acknowledged.
    it('reports no unacknowledged AwsSolutions error', () => {
      // Prepare
      const checks = new AwsSolutionsChecks(undefined, { verbose: true });
      // Act
      const report = checks.validateScope(dev.stack);
      // Assess
      expect(report.violations.filter((violation) => violation.severity === 'error')).toEqual([]);
    });

    it('reports no unacknowledged AwsSolutions warning', () => {
      // Prepare
      const checks = new AwsSolutionsChecks(undefined, { verbose: true });
      // Act
      const report = checks.validateScope(dev.stack);
      // Assess
      expect(report.violations.filter((violation) => violation.severity !== 'error')).toEqual([]);
    });

    it('gives every acknowledged rule a reason a reviewer can check', () => {
      // Prepare
      const acknowledgements = dev.stack.node
        .findAll()
        .flatMap((construct) =>
          construct.node.metadata
            .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
            .flatMap((entry) => Object.entries(entry.data as Record<string, unknown>)),
        );
      // Act
      const vague = acknowledgements.filter(([, reason]) => typeof reason !== 'string' || reason.length < 40);
      // Assess
      expect(acknowledgements.length).toBeGreaterThan(0);
      expect(vague).toEqual([]);
    });
  });
});
