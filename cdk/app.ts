import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type DeskStage, parseStage } from './constructs/stage-settings';
import { DeskStack } from './desk-stack';

const app = new App();

const stageOrExit = (value: unknown): DeskStage => {
  try {
    return parseStage(value);
  } catch (error) {
    // A wrong -c stage=… is a usage error, not a crash: one line, no stack trace.
    console.error((error as Error).message);
    process.exit(1);
  }
};
const stage = stageOrExit(app.node.tryGetContext('stage'));

new DeskStack(app, `PropertyDesk-${stage}`, {
  stage,
  description: `物业服务中心客服前台 back office (${stage})`,
  // Environment-agnostic on purpose: the template names no account or region (offline synth must not
  // guess one), and `cdk deploy` puts it wherever the CLI's credentials point.
});

// cdk-nag 3 is a policy-validation plugin (no longer an aspect): an unacknowledged error fails synth.
// Acknowledgements are written into the template metadata too, so the reasons ship with it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
