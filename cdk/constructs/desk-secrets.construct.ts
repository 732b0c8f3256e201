import { Validations } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { SecretName } from '../../functions/manifest';
import { type DeskStage, STAGE_SETTINGS } from './stage-settings';

/** Every secret the manifest can ask for, with what it holds (the JSON shapes are in the README). */
export const SECRETS: Record<SecretName, string> = {
  payments: 'Payment provider keys: WeChat Pay v3, Alipay, Stripe, receipt books (JSON)',
  google: 'Google service-account key for the Sheets API (the JSON key file Google issues)',
  'sheets-ping': 'Shared key that signs the Apps Script edit ping (the key itself, plain text)',
};
export const SECRET_NAMES = Object.keys(SECRETS) as SecretName[];

/** `property-desk/dev/payments`: the name an operator types in `aws secretsmanager put-secret-value`. */
export const secretName = (stage: DeskStage, name: SecretName) => `property-desk/${stage}/${name}`;

/** PAYMENTS_SECRET_ID, GOOGLE_SECRET_ID, SHEETS_PING_SECRET_ID. */
export const secretEnvName = (name: SecretName) => `${name.toUpperCase().replace(/-/g, '_')}_SECRET_ID`;

export interface DeskSecretsProps {
  stage: DeskStage;
}

/**
 * One Secrets Manager secret per name the manifest knows. The stack never holds a value: CloudFormation generates
 * a random placeholder (`{"placeholder":"…"}`, which the code reads as "not configured"), and an operator puts the
 * real keys with `aws secretsmanager put-secret-value`. A later deploy does not overwrite what was put.
 */
export class DeskSecrets extends Construct {
  readonly secrets: ReadonlyMap<SecretName, Secret>;

  constructor(scope: Construct, id: string, { stage }: DeskSecretsProps) {
    super(scope, id);
    const settings = STAGE_SETTINGS[stage];
    const secrets = new Map<SecretName, Secret>();
    for (const name of SECRET_NAMES) {
      const secret = new Secret(this, `Secret-${name}`, {
        secretName: secretName(stage, name),
        description: SECRETS[name],
        generateSecretString: {
          secretStringTemplate: JSON.stringify({}),
          generateStringKey: 'placeholder',
          excludePunctuation: true,
          passwordLength: 32,
        },
        removalPolicy: settings.removalPolicy,
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'The values are keys issued by outside parties (WeChat Pay/Alipay/Stripe merchant consoles, Google Cloud): a rotation Lambda cannot create them, so rotation is a documented manual procedure (README "Rotate keys").',
      });
      secrets.set(name, secret);
    }
    this.secrets = secrets;
  }

  secret(name: SecretName): Secret {
    const secret = this.secrets.get(name);
    if (!secret) throw new Error(`No secret ${name}`);
    return secret;
  }

  /** secretsmanager:GetSecretValue on exactly this secret (the extension needs nothing else). */
  grantRead(name: SecretName, grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: `ReadSecret${name.replace(/[^A-Za-z0-9]/g, '')}`,
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.secret(name).secretArn],
      }),
    );
  }
}
