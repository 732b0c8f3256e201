import { App, Validations } from 'aws-cdk-lib';
import { DEPLOYMENT_SETTINGS } from '../functions/manifest';
import { parseStaffIssuer, type StaffIssuer } from './constructs/staff-issuer';
import { type DeskStage, parseStage } from './constructs/stage-settings';
import { DeskStack } from './desk-stack';
import { nagPacks } from './nag';

const app = new App();

// A wrong -c value is a usage error, not a crash: one line, no stack trace.
const orExit = <T>(parse: () => T): T => {
  try {
    return parse();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
};
const context = (key: string): unknown => app.node.tryGetContext(key);
const stage: DeskStage = orExit(() => parseStage(context('stage')));
const staffIssuer: StaffIssuer | undefined = orExit(() => parseStaffIssuer(context('jwtIssuer'), context('jwtAudience')));
const secretsExtensionLayerArn = context('secretsExtensionLayerArn');

new DeskStack(app, `PropertyDesk-${stage}`, {
  stage,
  description: `物业服务中心客服前台 back office (${stage})`,
  staffIssuer,
  secretsExtensionLayerArn:
    typeof secretsExtensionLayerArn === 'string' && secretsExtensionLayerArn ? secretsExtensionLayerArn : undefined,
  settings: Object.fromEntries(
    Object.entries(DEPLOYMENT_SETTINGS).flatMap(([name, key]) => {
      const value = context(key);
      return typeof value === 'string' && value ? [[name, value]] : [];
    }),
  ),
  // Environment-agnostic on purpose: the template names no account or region (offline synth must not
  // guess one), and `cdk deploy` puts it wherever the CLI's credentials point.
});

// cdk-nag 3 is a policy-validation plugin (no longer an aspect): an unacknowledged error fails synth.
Validations.of(app).addPlugins(...nagPacks(app));
