import { Duration, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLE_NAMES, ROLES } from '../../functions/core/roles';
import { type DeskStage, resourceName, STAGE_SETTINGS } from './stage-settings';

export interface StaffPoolProps {
  stage: DeskStage;
}

/**
 * The staff directory: accounts are created by an administrator (no self sign-up), each member of
 * staff is put in the groups of their roles, and the groups reach the handlers as the
 * `cognito:groups` claim that `actorFromClaims` reads.
 */
export class StaffPool extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;

  constructor(scope: Construct, id: string, { stage }: StaffPoolProps) {
    super(scope, id);
    const settings = STAGE_SETTINGS[stage];

    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: resourceName(stage, 'staff'),
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { fullname: { required: false, mutable: true } },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      // Plus tier: compromised-credential checks and adaptive authentication block risky sign-ins,
      // which matters while MFA stays optional. The cost is per active user, and the staff is small.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: settings.userPoolDeletionProtection,
      removalPolicy: settings.removalPolicy,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP only, no SMS): front-desk staff work shifts on shared counter PCs and not everyone has an approved phone; threat protection (Plus tier, enforced) challenges risky sign-ins instead.',
    });

    for (const role of ROLE_NAMES) {
      this.userPool.addGroup(`Group-${role}`, { groupName: role, description: ROLES[role] });
    }

    this.client = this.userPool.addClient('StaffAppClient', {
      userPoolClientName: resourceName(stage, 'staff-app'),
      // A public client (browser / desktop staff app): SRP keeps the password off the wire, no secret to leak.
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      // One shift and a bit, like the local token command: staff sign in once per shift.
      refreshTokenValidity: Duration.hours(12),
    });
  }
}
