import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** The two deployments of the app. Anything else is a typo, and a typo must not create a third stack. */
export const STAGES = ['dev', 'prod'] as const;
export type DeskStage = (typeof STAGES)[number];

export const isDeskStage = (value: unknown): value is DeskStage => STAGES.some((stage) => stage === value);

export const parseStage = (value: unknown): DeskStage => {
  const stage = value ?? 'dev';
  if (!isDeskStage(stage)) {
    throw new Error(`Unknown stage ${JSON.stringify(stage)}: use -c stage=dev or -c stage=prod`);
  }
  return stage;
};

/** What differs between dev and prod. Data protection (table retain, PITR) does NOT differ: dev data is real enough to keep. */
export interface StageSettings {
  /** Lambda and API access logs. Prod keeps a year: the PRC Cybersecurity Law asks for at least six months of network logs. */
  logRetention: RetentionDays;
  /** Log groups and the staff pool: prod keeps them when the stack goes, dev cleans up. */
  removalPolicy: RemovalPolicy;
  /** Deleting the staff pool locks every member of staff out. */
  userPoolDeletionProtection: boolean;
}

export const STAGE_SETTINGS: Record<DeskStage, StageSettings> = {
  dev: { logRetention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY, userPoolDeletionProtection: false },
  prod: { logRetention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN, userPoolDeletionProtection: true },
};

/** Physical names share one prefix so a stage's resources sort together in the console. */
export const resourceName = (stage: DeskStage, name: string) => `property-desk-${stage}-${name}`;
