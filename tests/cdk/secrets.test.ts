import { beforeAll, describe, expect, it } from 'vitest';
import { SECRET_NAMES, secretEnvName, secretName } from '../../cdk/constructs/desk-secrets.construct';
import { manifest, type SecretName } from '../../functions/manifest';
import {
  actionsOf,
  allStatements,
  EXTENSION_VARIABLES,
  functionProperties,
  logicalIdOf,
  resourcesOf,
  type Synthesised,
  statementsOfFunction,
  synthesise,
} from './support';

const LAYER_ARN = 'arn:aws-cn:lambda:cn-north-1:123456789012:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:9';

describe('secrets', () => {
  let dev: Synthesised;
  const secretId = (name: SecretName) => logicalIdOf(dev, dev.stack.secrets.secret(name));
  const secretNameOfId = (id: string) => SECRET_NAMES.find((name) => secretId(name) === id);

  beforeAll(() => {
    dev = synthesise('dev');
  });

  it.each(SECRET_NAMES)('creates the secret property-desk/dev/%s', (name) => {
    // Prepare + Act
    const found = dev.template.findResources('AWS::SecretsManager::Secret', { Properties: { Name: secretName('dev', name) } });
    // Assess
    expect(Object.keys(found)).toEqual([secretId(name)]);
  });

  it.each(SECRET_NAMES)('lets CloudFormation generate a placeholder for %s instead of holding a value', (name) => {
    // Prepare + Act
    const properties = dev.template.toJSON().Resources[secretId(name)].Properties;
    // Assess
    expect([properties.SecretString, properties.GenerateSecretString?.GenerateStringKey]).toEqual([undefined, 'placeholder']);
  });

  it('holds no secret value anywhere in the template (no SecretString, no dynamic reference)', () => {
    // Prepare
    const text = JSON.stringify(dev.template.toJSON());
    // Act
    const inlined = ['"SecretString"', '{{resolve:secretsmanager', '{{resolve:ssm-secure'].filter((marker) =>
      text.includes(marker),
    );
    // Assess
    expect(inlined).toEqual([]);
  });

  it.each(manifest.map((fn) => [fn.name, (fn.secrets ?? []).join(', ') || 'none'] as const))(
    'lets %s read exactly the secrets its manifest entry lists (%s)',
    (name) => {
      // Prepare
      const definition = manifest.find((fn) => fn.name === name);
      // Act
      const readable = statementsOfFunction(dev.template, 'dev', name)
        .filter((statement) => actionsOf(statement).some((action) => action.startsWith('secretsmanager:')))
        .flatMap(resourcesOf)
        .map((resource) => secretNameOfId((resource as { Ref?: string }).Ref ?? ''));
      // Assess
      expect(readable.sort()).toEqual([...(definition?.secrets ?? [])].sort());
    },
  );

  it('grants nothing on secrets but secretsmanager:GetSecretValue', () => {
    // Prepare + Act
    const actions = allStatements(dev.template)
      .flatMap(actionsOf)
      .filter((action) => action.startsWith('secretsmanager:'));
    // Assess
    expect([...new Set(actions)]).toEqual(['secretsmanager:GetSecretValue']);
  });

  it.each(manifest.map((fn) => [fn.name, fn.secrets?.length ? 'has' : 'does not have'] as const))(
    'gives %s the Parameters and Secrets extension only if it reads a secret (%s)',
    (name) => {
      // Prepare
      const definition = manifest.find((fn) => fn.name === name);
      // Act
      const props = functionProperties(dev.template, 'dev', name);
      // Assess
      expect((props.Layers ?? []).length).toBe(definition?.secrets?.length ? 1 : 0);
    },
  );

  it.each(manifest.filter((fn) => fn.secrets?.length).map((fn) => fn.name))(
    'configures the extension of %s to cache a secret for 60 s on port 2773',
    (name) => {
      // Prepare + Act
      const variables = functionProperties(dev.template, 'dev', name).Environment.Variables;
      // Assess
      expect([variables.SECRETS_MANAGER_TTL, variables.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT]).toEqual(['60', '2773']);
    },
  );

  it.each(manifest.filter((fn) => !fn.secrets?.length).map((fn) => fn.name))(
    'sets no secret id and no extension variable on %s, which reads no secret',
    (name) => {
      // Prepare + Act
      const variables = Object.keys(functionProperties(dev.template, 'dev', name).Environment.Variables);
      // Assess
      expect(variables.filter((variable) => variable.endsWith('_SECRET_ID') || EXTENSION_VARIABLES.test(variable))).toEqual([]);
    },
  );

  it.each(SECRET_NAMES)('names the environment variable of %s', (name) => {
    // Prepare
    const expected = { payments: 'PAYMENTS_SECRET_ID', google: 'GOOGLE_SECRET_ID', 'sheets-ping': 'SHEETS_PING_SECRET_ID' }[name];
    // Act + Assess
    expect(secretEnvName(name)).toBe(expected);
  });

  it('uses the extension layer given by context instead of the regional default', () => {
    // Prepare
    const name = manifest.find((fn) => fn.secrets?.length)?.name as string;
    // Act
    const copy = synthesise('dev', { secretsExtensionLayerArn: LAYER_ARN });
    // Assess
    expect(functionProperties(copy.template, 'dev', name).Layers).toEqual([LAYER_ARN]);
  });

  it('keeps the secrets when the prod stack is deleted', () => {
    // Prepare
    const prod = synthesise('prod');
    // Act
    const policies = Object.values(prod.template.findResources('AWS::SecretsManager::Secret')).map(
      (secret) => secret.DeletionPolicy,
    );
    // Assess
    expect(policies).toEqual(SECRET_NAMES.map(() => 'Retain'));
  });
});
