import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLISH_KEY_ACTIONS } from '../../cdk/constructs/notice-topic.construct';
import { manifest } from '../../functions/manifest';
import {
  actionsOf,
  allStatements,
  functionProperties,
  logicalIdOf,
  resourcesOf,
  type Statement,
  type Synthesised,
  statementsOfFunction,
  synthesise,
} from './support';

describe('notice topic', () => {
  let dev: Synthesised;
  const topicId = () => logicalIdOf(dev, dev.stack.notices.topic);
  const keyId = () => logicalIdOf(dev, dev.stack.notices.key);
  const topicPolicyStatements = (): Statement[] =>
    Object.values(dev.template.findResources('AWS::SNS::TopicPolicy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
    );

  beforeAll(() => {
    dev = synthesise('dev');
  });

  it('encrypts the topic with its own KMS key', () => {
    // Prepare + Act
    const topic = dev.template.toJSON().Resources[topicId()];
    // Assess
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId(), 'Arn'] });
  });

  it('rotates the topic key', () => {
    // Prepare + Act
    const key = dev.template.toJSON().Resources[keyId()];
    // Assess
    expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  it('refuses publishing and subscribing without TLS', () => {
    // Prepare + Act
    const denials = topicPolicyStatements().filter((statement) => statement.Effect === 'Deny');
    // Assess
    expect(denials.map((statement) => statement.Condition)).toEqual([{ Bool: { 'aws:SecureTransport': 'false' } }]);
  });

  it("lets CloudWatch publish only for this account's alarms of this stage", () => {
    // Prepare + Act
    const [allow] = topicPolicyStatements().filter((statement) => statement.Effect === 'Allow');
    // Assess
    expect(allow).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: {
          'aws:SourceArn': {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':cloudwatch:',
                { Ref: 'AWS::Region' },
                ':',
                { Ref: 'AWS::AccountId' },
                ':alarm:property-desk-dev-*',
              ],
            ],
          },
        },
      },
    });
  });

  it('lets CloudWatch use the topic key, for the same alarms only', () => {
    // Prepare + Act + Assess
    dev.template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
  });

  it.each(manifest.map((fn) => [fn.name, fn.topics?.includes('notice') ? 'may' : 'may not'] as const))(
    '%s %s publish to the notice topic, as its manifest entry says',
    (name) => {
      // Prepare
      const definition = manifest.find((fn) => fn.name === name);
      // Act
      const published = statementsOfFunction(dev.template, 'dev', name)
        .filter((statement) => actionsOf(statement).includes('sns:Publish'))
        .flatMap(resourcesOf);
      // Assess
      expect(published).toEqual(definition?.topics?.includes('notice') ? [{ Ref: topicId() }] : []);
    },
  );

  it.each(manifest.filter((fn) => fn.topics?.includes('notice')).map((fn) => fn.name))(
    'lets %s use the topic key for publishing and nothing else',
    (name) => {
      // Prepare + Act
      const keyStatements = statementsOfFunction(dev.template, 'dev', name).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('kms:')),
      );
      // Assess
      expect(keyStatements.map((statement) => [actionsOf(statement), statement.Resource])).toEqual([
        [[...PUBLISH_KEY_ACTIONS], { 'Fn::GetAtt': [keyId(), 'Arn'] }],
      ]);
    },
  );

  it('grants sns:Publish on no other resource than the notice topic', () => {
    // Prepare + Act
    const resources = allStatements(dev.template)
      .filter((statement) => actionsOf(statement).some((action) => action.startsWith('sns:')))
      .flatMap(resourcesOf);
    // Assess
    expect(resources.filter((resource) => JSON.stringify(resource) !== JSON.stringify({ Ref: topicId() }))).toEqual([]);
  });

  it.each(manifest.filter((fn) => fn.topics?.includes('notice')).map((fn) => fn.name))(
    'tells %s the topic ARN in NOTICE_TOPIC_ARN',
    (name) => {
      // Prepare + Act
      const variables = functionProperties(dev.template, 'dev', name).Environment.Variables;
      // Assess
      expect(variables.NOTICE_TOPIC_ARN).toEqual({ Ref: topicId() });
    },
  );

  it('sends every alarm of the stack to the notice topic', () => {
    // Prepare
    const alarms = Object.entries(dev.template.findResources('AWS::CloudWatch::Alarm'));
    // Act
    const silent = alarms
      .filter(([, alarm]) => JSON.stringify(alarm.Properties.AlarmActions) !== JSON.stringify([{ Ref: topicId() }]))
      .map(([id]) => id);
    // Assess
    expect(silent).toEqual([]);
  });

  it('names every alarm with the stage prefix the topic policy admits', () => {
    // Prepare
    const alarms = Object.values(dev.template.findResources('AWS::CloudWatch::Alarm'));
    // Act
    const names = alarms
      .map((alarm) => alarm.Properties.AlarmName as string)
      .filter((name) => !name.startsWith('property-desk-dev-'));
    // Assess
    expect(names).toEqual([]);
  });

  it('outputs the topic ARN for subscriptions', () => {
    // Prepare + Act
    const outputs = dev.template.findOutputs('NoticeTopicArn');
    // Assess
    expect(outputs.NoticeTopicArn?.Value).toEqual({ Ref: topicId() });
  });
});
