import type { IPolicyValidationPlugin } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * The cdk-nag packs every synth runs: AwsSolutions (security and well-architected rules) and Serverless (failure
 * destinations, memory/timeouts, throttling, tracing, redrive). cdk-nag 3 is a policy-validation plugin: an
 * unacknowledged error fails synth, and acknowledgements (`Validations.of(x).acknowledge`) sit next to their
 * resource with a reason. Acknowledgements go into the template metadata too, so the reasons ship with it.
 */
export const nagPacks = (scope?: IConstruct): IPolicyValidationPlugin[] => [
  new AwsSolutionsChecks(scope, { verbose: true, writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(scope, { verbose: true, writeSuppressionsToCloudFormation: true }),
];
