import { App, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { functionName } from '../../cdk/constructs/desk-function.construct';
import type { DeskStage } from '../../cdk/constructs/stage-settings';
import { DeskStack, type DeskStackProps } from '../../cdk/desk-stack';

export interface Synthesised {
  app: App;
  stack: DeskStack;
  template: Template;
}

/** `aws:cdk:bundling-stacks: []` skips esbuild: these tests read the template, not the bundles. */
export const synthesise = (stage: DeskStage, props: Partial<DeskStackProps> = {}): Synthesised => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new DeskStack(app, `PropertyDesk-${stage}`, { stage, ...props });
  return { app, stack, template: Template.fromStack(stack) };
};

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

export const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

export const resourcesOf = (statement: Statement): unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

/** Every statement of every identity policy in the template (CDK puts grants in AWS::IAM::Policy). */
export const allStatements = (template: Template): Statement[] => [
  ...Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  ),
  ...Object.values(template.findResources('AWS::IAM::Role')).flatMap((role) =>
    ((role.Properties.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap(
      (policy) => policy.PolicyDocument.Statement,
    ),
  ),
];

export const logicalIdOfFunction = (template: Template, stage: DeskStage, name: string): string => {
  const found = Object.keys(
    template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: functionName(stage, name) } }),
  );
  if (found.length !== 1) throw new Error(`expected one function ${name}, found ${found.length}`);
  return found[0] as string;
};

export const functionProperties = (template: Template, stage: DeskStage, name: string) =>
  template.toJSON().Resources[logicalIdOfFunction(template, stage, name)].Properties;

/** The statements of the identity policies attached to a function's execution role. */
export const statementsOfFunction = (template: Template, stage: DeskStage, name: string): Statement[] => {
  const roleId = functionProperties(template, stage, name).Role['Fn::GetAtt'][0] as string;
  return Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } })).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );
};

export const logicalIdOf = ({ stack }: Synthesised, resource: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(resource.node.defaultChild as CfnResource);

export const tableLogicalId = (synthesised: Synthesised): string => logicalIdOf(synthesised, synthesised.stack.table.table);

/** The variables the Parameters and Secrets extension reads (CDK sets them with the layer). */
export const EXTENSION_VARIABLES = /^(PARAMETERS_SECRETS_EXTENSION_|SECRETS_MANAGER_|SSM_PARAMETER_STORE_)/;

/** Logical ids of every alarm on ApproximateNumberOfMessagesVisible of a queue, by queue logical id. */
export const queueAlarms = (template: Template, queueId: string) =>
  Object.keys(
    template.findResources('AWS::CloudWatch::Alarm', {
      Properties: {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
      },
    }),
  );
