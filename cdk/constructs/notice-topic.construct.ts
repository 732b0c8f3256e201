import { Aws, Duration } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { type DeskStage, resourceName, STAGE_SETTINGS } from './stage-settings';

export interface NoticeTopicProps {
  stage: DeskStage;
}

/** What a publisher needs of the topic's key: SNS encrypts each message with a data key made under it. */
export const PUBLISH_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;

/**
 * The one SNS topic for people: CloudWatch alarms, reminders (催缴, renovation, stock-take) and the outbox notices
 * the relay forwards (`notice.staff`, `notice.finance`, `refund.requested`). Encrypted with its own customer
 * managed key (the AWS managed SNS key cannot be used by CloudWatch alarms), TLS-only. Subscriptions are added by
 * the operator (README) and filter on the `topic` / `estateId` message attributes.
 */
export class NoticeTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, { stage }: NoticeTopicProps) {
    super(scope, id);
    const settings = STAGE_SETTINGS[stage];

    this.key = new Key(this, 'Key', {
      description: `Encrypts the notice topic of ${resourceName(stage, 'notices')} (alarms, reminders, notices)`,
      enableKeyRotation: true,
      removalPolicy: settings.removalPolicy,
      pendingWindow: Duration.days(30),
    });

    this.topic = new Topic(this, 'Topic', {
      topicName: resourceName(stage, 'notices'),
      displayName: '物业前台通知',
      masterKey: this.key,
      enforceSSL: true,
    });

    // CloudWatch publishes alarm state changes as the cloudwatch.amazonaws.com service, not as a role of this
    // account: it needs the topic and the key, limited to this account's alarms of this stage.
    const fromOurAlarms = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: {
        'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${resourceName(stage, '*')}`,
      },
    };
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromOurAlarms,
      }),
    );
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsEncrypt',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOurAlarms,
      }),
    );
  }

  /** sns:Publish on this topic and the key use that publishing needs; nothing else. */
  grantPublish(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'NoticeTopicPublish', actions: ['sns:Publish'], resources: [this.topic.topicArn] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'NoticeTopicKey', actions: [...PUBLISH_KEY_ACTIONS], resources: [this.key.keyArn] }),
    );
  }
}
