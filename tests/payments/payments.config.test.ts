import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadPaymentConfig } from '../../functions/payments/payments.config';

/**
 * The AWS path of the payment configuration: in Lambda the secret named by PAYMENTS_SECRET_ID is read from the
 * Parameters and Secrets extension on localhost. A stand-in extension answers like the real one.
 */
const SECRET_ARN = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:property-desk/dev/payments-AbCdEf';
const STRIPE = { stripe: { endpointSecrets: ['whsec_test'] } };

let server: Server;
let secretString = JSON.stringify(STRIPE);
const requests: Array<{ url: string; token: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    requests.push({ url: req.url ?? '', token: req.headers['x-aws-parameters-secrets-token'] as string | undefined });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ARN: SECRET_ARN, Name: 'property-desk/dev/payments', SecretString: secretString }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT = String((server.address() as AddressInfo).port);
  process.env.AWS_LAMBDA_FUNCTION_NAME = 'property-desk-dev-payments-api';
  process.env.AWS_SESSION_TOKEN = 'session-token';
  process.env.PAYMENTS_SECRET_ID = SECRET_ARN;
  delete process.env.PAYMENTS_CONFIG;
});

afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
});

beforeEach(() => {
  requests.length = 0;
  secretString = JSON.stringify(STRIPE);
});

describe('payment configuration in Lambda', () => {
  it('reads the secret named by PAYMENTS_SECRET_ID through the extension with the session token', async () => {
    // Prepare
    const now = Date.parse('2026-12-01T00:00:00Z');
    // Act
    const config = await loadPaymentConfig(now);
    // Assess
    expect([config, requests]).toEqual([
      STRIPE,
      [{ url: `/secretsmanager/get?secretId=${encodeURIComponent(SECRET_ARN)}`, token: 'session-token' }],
    ]);
  });

  it('answers from its cache for five minutes, then reads the secret again', async () => {
    // Prepare
    const start = Date.parse('2026-12-02T00:00:00Z');
    await loadPaymentConfig(start);
    requests.length = 0;
    // Act
    await loadPaymentConfig(start + 4 * 60_000);
    const within = requests.length;
    await loadPaymentConfig(start + 6 * 60_000);
    // Assess
    expect([within, requests.length]).toEqual([0, 1]);
  });

  it("reads the stack's generated placeholder as no provider configured", async () => {
    // Prepare
    secretString = JSON.stringify({ placeholder: 'Xk2v9QeLr0aZtY7uWm3bN5cD8fG1hJ4s' });
    // Act
    const config = await loadPaymentConfig(Date.parse('2026-12-03T00:00:00Z'));
    // Assess
    expect(config).toEqual({});
  });
});
