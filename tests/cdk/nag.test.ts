import { App, Validations } from 'aws-cdk-lib';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeskStack } from '../../cdk/desk-stack';
import { nagPacks } from '../../cdk/nag';
import { type Synthesised, synthesise } from './support';

// cdk-nag 3 is a policy-validation plugin, not an aspect: its findings are no longer Annotations.
// `validateScope` runs the same rules synth runs and leaves out what is acknowledged.
const PACKS = [
  ['AwsSolutions', () => new AwsSolutionsChecks(undefined, { verbose: true })],
  ['Serverless', () => new ServerlessChecks(undefined, { verbose: true })],
] as const;

const packNamed = (name: (typeof PACKS)[number][0]) =>
  (PACKS.find(([packName]) => packName === name) as (typeof PACKS)[number])[1]();

const findings = (pack: ReturnType<typeof packNamed>, scope: IConstruct, severity: 'error' | 'warning') =>
  pack
    .validateScope(scope)
    .violations.filter((violation) => (severity === 'error' ? violation.severity === 'error' : violation.severity !== 'error'));

const ruleNames = (violations: ReadonlyArray<{ ruleName: string }>) => [
  ...new Set(violations.map((violation) => violation.ruleName)),
];

/** A copy of the real stack with one insecure resource added; the original stays untouched. */
const copyWith = (addInsecure: (copy: Synthesised) => void): Synthesised => {
  const copy = synthesise('dev');
  addInsecure(copy);
  return copy;
};

describe('cdk-nag', () => {
  let dev: Synthesised;

  beforeAll(() => {
    dev = synthesise('dev');
  });

  it.each(PACKS.map(([name]) => name))('reports no unacknowledged %s error on the real stack', (name) => {
    // Prepare
    const pack = packNamed(name);
    // Act
    const errors = findings(pack, dev.stack, 'error');
    // Assess
    expect(errors).toEqual([]);
  });

  it.each(PACKS.map(([name]) => name))('reports no unacknowledged %s warning on the real stack', (name) => {
    // Prepare
    const pack = packNamed(name);
    // Act
    const warnings = findings(pack, dev.stack, 'warning');
    // Assess
    expect(warnings).toEqual([]);
  });

  it('runs both packs in the app, as `npm run synth` does', () => {
    // Prepare + Act
    const names = nagPacks().map((pack) => pack.name);
    // Assess
    expect(names).toEqual(['AwsSolutions', 'Serverless']);
  });

  it('gives every acknowledged rule a reason a reviewer can check', () => {
    // Prepare
    const acknowledgements = dev.stack.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) => Object.entries(entry.data as Record<string, unknown>)),
      );
    // Act
    const vague = acknowledgements.filter(([, reason]) => typeof reason !== 'string' || reason.length < 40);
    // Assess
    expect(acknowledgements.length).toBeGreaterThan(0);
    expect(vague).toEqual([]);
  });

  describe('on a copy of the stack with an insecure resource added', () => {
    it('reports an AwsSolutions error for a bucket without TLS enforcement or access logs', () => {
      // Prepare
      const copy = copyWith(({ stack }) => new Bucket(stack, 'InsecureBucket'));
      // Act
      const errors = ruleNames(findings(packNamed('AwsSolutions'), copy.stack, 'error'));
      // Assess
      expect(errors).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
    });

    it('reports an AwsSolutions error for a dynamodb:* policy on a function role', () => {
      // Prepare
      const copy = copyWith(({ stack }) => {
        const role = [...stack.functions.values()][0]?.fn.role;
        if (!role) throw new Error('no function role');
        new Policy(stack, 'TooBroad', {
          roles: [role],
          statements: [new PolicyStatement({ actions: ['dynamodb:*'], resources: [stack.table.table.tableArn] })],
        });
      });
      // Act
      const errors = findings(packNamed('AwsSolutions'), copy.stack, 'error');
      // Assess
      expect(ruleNames(errors)).toEqual(['AwsSolutions-IAM5[Action::dynamodb:*]']);
    });

    it('reports a Serverless error for a queue without a redrive policy', () => {
      // Prepare
      const copy = copyWith(({ stack }) => new Queue(stack, 'NoRedrive', { enforceSSL: true }));
      // Act
      const errors = ruleNames(findings(packNamed('Serverless'), copy.stack, 'error'));
      // Assess
      expect(errors).toEqual(['Serverless-SQSRedrivePolicy']);
    });

    it('fails synth of an app with both packs, as `cdk synth` would', () => {
      // Prepare
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      const stack = new DeskStack(app, 'PropertyDesk-dev', { stage: 'dev' });
      new Bucket(stack, 'InsecureBucket');
      Validations.of(app).addPlugins(...nagPacks(app));
      // Act
      const synth = () => app.synth();
      // Assess
      expect(synth).toThrow(/[Vv]alidation/);
    });
  });
});
