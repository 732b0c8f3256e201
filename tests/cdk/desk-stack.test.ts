import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS } from '../../cdk/constructs/desk-function.construct';
import { secretEnvName } from '../../cdk/constructs/desk-secrets.construct';
import { API_THROTTLE, UNAUTHENTICATED_THROTTLE } from '../../cdk/constructs/http-api.construct';
import { SCHEDULE_RETRY_POLICY } from '../../cdk/constructs/schedules.construct';
import { ROLE_NAMES } from '../../functions/core/roles';
import { routeKey } from '../../functions/core/route';
import { allRoutes, allSchedules, manifest } from '../../functions/manifest';
import { TABLE_DEFINITION } from '../../functions/store/table';
import {
  actionsOf,
  allStatements,
  EXTENSION_VARIABLES,
  functionProperties,
  logicalIdOf,
  logicalIdOfFunction,
  resourcesOf,
  type Statement,
  type Synthesised,
  statementsOfFunction,
  synthesise,
  tableLogicalId,
} from './support';

const manifestNames = manifest.map((fn) => fn.name);
const STREAM_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
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

    it.each(
      manifest.map((fn) => [fn.name, fn.memoryMb ?? DEFAULT_MEMORY_MB, fn.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS] as const),
    )('sizes %s at %i MB and %i s from the manifest (defaults 512 MB / 10 s)', (name, memory, timeout) => {
      // Prepare + Act
      const props = functionProperties(dev.template, 'dev', name);
      // Assess
      expect([props.MemorySize, props.Timeout]).toEqual([memory, timeout]);
    });

    it.each(manifest)(
      'tells $name the table name, the stage, to use source maps, and the ids of its secrets and topics',
      (definition) => {
        // Prepare
        const expected: Record<string, unknown> = {
          TABLE_NAME: { Ref: tableLogicalId(dev) },
          STAGE: 'dev',
          NODE_OPTIONS: '--enable-source-maps',
        };
        for (const secret of definition.secrets ?? []) {
          expected[secretEnvName(secret)] = { Ref: logicalIdOf(dev, dev.stack.secrets.secret(secret)) };
        }
        if (definition.topics?.includes('notice')) expected.NOTICE_TOPIC_ARN = { Ref: logicalIdOf(dev, dev.stack.notices.topic) };
        // Act
        const variables = Object.entries(functionProperties(dev.template, 'dev', definition.name).Environment.Variables).filter(
          ([variable]) => !EXTENSION_VARIABLES.test(variable),
        );
        // Assess
        expect(Object.fromEntries(variables)).toEqual(expected);
      },
    );

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

    it.each(manifest.map((fn) => [fn.name, fn.reservedConcurrency ?? 'no'] as const))(
      'reserves for %s the concurrency its manifest entry asks for (%s)',
      (name) => {
        // Prepare
        const definition = manifest.find((fn) => fn.name === name);
        // Act
        const props = functionProperties(dev.template, 'dev', name);
        // Assess
        expect(props.ReservedConcurrentExecutions).toBe(definition?.reservedConcurrency);
      },
    );

    it('reserves concurrency for any manifest entry that asks for it, not only the ones there today', () => {
      // Prepare: a copy of the manifest in which the first entry asks for one concurrent execution
      const [first, ...rest] = manifest;
      const definitions = [{ ...(first as (typeof manifest)[number]), reservedConcurrency: 1 }, ...rest];
      // Act
      const copy = synthesise('dev', { definitions });
      // Assess
      expect(functionProperties(copy.template, 'dev', first?.name as string).ReservedConcurrentExecutions).toBe(1);
    });

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
    const onTable = (statement: Statement) =>
      resourcesOf(statement).some((resource) => JSON.stringify(resource).includes(`"${tableLogicalId(dev)}","Arn"`));

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
      const granted = statementsOfFunction(dev.template, 'dev', name).filter(onTable).flatMap(actionsOf);
      // Assess
      expect([...new Set(granted)].sort()).toEqual([...(definition?.tableAccess ?? [])].sort());
    });

    it.each(manifest.filter((fn) => fn.tableAccess.length > 0).map((fn) => fn.name))(
      'grants the table actions of %s on the table and its indexes only',
      (name) => {
        // Prepare
        const tableStatements = statementsOfFunction(dev.template, 'dev', name).filter((statement) =>
          actionsOf(statement).some((action) => action.startsWith('dynamodb:') && !STREAM_ACTIONS.includes(action)),
        );
        // Act
        const resources = tableStatements.flatMap((statement) => statement.Resource);
        // Assess
        const tableArn = { 'Fn::GetAtt': [tableLogicalId(dev), 'Arn'] };
        expect(resources).toEqual([
          tableArn,
          ...TABLE_DEFINITION.globalIndexes.map((index) => ({ 'Fn::Join': ['', [tableArn, `/index/${index.indexName}`]] })),
        ]);
      },
    );

    it.each(manifest.map((fn) => [fn.name, fn.stream ? 'reads' : 'does not read'] as const))(
      'lets %s read the table stream only if its manifest entry has a stream trigger (%s)',
      (name) => {
        // Prepare
        const definition = manifest.find((fn) => fn.name === name);
        const streamArn = { 'Fn::GetAtt': [tableLogicalId(dev), 'StreamArn'] };
        // Act
        const streamStatements = statementsOfFunction(dev.template, 'dev', name).filter((statement) =>
          actionsOf(statement).some((action) => STREAM_ACTIONS.includes(action)),
        );
        // Assess
        expect(streamStatements.flatMap(resourcesOf)).toEqual(definition?.stream ? streamStatements.map(() => streamArn) : []);
      },
    );
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

    const unauthenticated = routeCases.filter((route) => route.auth !== 'staff');

    it.each(unauthenticated)('throttles $key ($auth) per route, under the stage limit', ({ key, auth }) => {
      // Prepare
      const limit = UNAUTHENTICATED_THROTTLE[auth as 'webhook' | 'public'];
      // Act
      const [stage] = Object.values(dev.template.findResources('AWS::ApiGatewayV2::Stage'));
      // Assess
      expect(stage?.Properties.RouteSettings?.[key]).toEqual({
        ThrottlingBurstLimit: limit.burstLimit,
        ThrottlingRateLimit: limit.rateLimit,
      });
    });

    it('sets per-route throttles on the routes without a staff JWT only', () => {
      // Prepare
      const expected = unauthenticated.map((route) => route.key).sort();
      // Act
      const [stage] = Object.values(dev.template.findResources('AWS::ApiGatewayV2::Stage'));
      // Assess
      expect(Object.keys(stage?.Properties.RouteSettings ?? {}).sort()).toEqual(expected);
    });

    it('creates the stage after the routes it throttles (API Gateway refuses settings for unknown routes)', () => {
      // Prepare
      const [stage] = Object.values(dev.template.findResources('AWS::ApiGatewayV2::Stage'));
      const routeIds = Object.entries(dev.template.findResources('AWS::ApiGatewayV2::Route'))
        .filter(([, route]) => unauthenticated.some(({ key }) => key === route.Properties.RouteKey))
        .map(([id]) => id);
      // Act
      const missing = routeIds.filter((id) => !((stage?.DependsOn ?? []) as string[]).includes(id));
      // Assess
      expect(missing).toEqual([]);
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

    const schedulerQueueId = (fn: string) => {
      const deadLetters = dev.stack.schedules.deadLetters.get(fn);
      if (!deadLetters) throw new Error(`no scheduler dead-letter queue for ${fn}`);
      return logicalIdOf(dev, deadLetters.queue);
    };

    it.each(scheduleCases)('retries $id and dead-letters it into the scheduler queue of $fn', ({ fn, schedule }) => {
      // Prepare
      const queueId = schedulerQueueId(fn);
      // Act + Assess
      dev.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: schedule.expression,
        Target: Match.objectLike({
          RetryPolicy: {
            MaximumRetryAttempts: SCHEDULE_RETRY_POLICY.maximumRetryAttempts,
            MaximumEventAgeInSeconds: SCHEDULE_RETRY_POLICY.maximumEventAgeInSeconds,
          },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        }),
      });
    });

    it.each(scheduleCases)('gives the scheduler queue of $fn ($id) its own queue, apart from the function queue', ({ fn }) => {
      // Prepare
      const functionQueueId = functionProperties(dev.template, 'dev', fn).DeadLetterConfig.TargetArn['Fn::GetAtt'][0];
      // Act
      const queueId = schedulerQueueId(fn);
      // Assess
      expect([dev.template.toJSON().Resources[queueId]?.Type, queueId === functionQueueId]).toEqual(['AWS::SQS::Queue', false]);
    });

    it.each(scheduleCases)('lets the role of $id invoke only $fn and write only to its dead-letter queue', ({ fn, schedule }) => {
      // Prepare
      const queueId = schedulerQueueId(fn);
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
});
