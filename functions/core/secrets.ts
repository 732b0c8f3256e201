/**
 * Reads a Secrets Manager secret in Lambda through the AWS Parameters and Secrets Lambda Extension on
 * localhost:2773 (no SDK in the bundle; the extension caches). The stack grants each function only the secrets
 * its manifest entry lists and passes their ids as env values (`PAYMENTS_SECRET_ID`, `GOOGLE_SECRET_ID`, …).
 */
export const readSecretString = async (secretId: string): Promise<string> => {
  const port = process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
  const response = await fetch(`http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`, {
    headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN ?? '' },
  });
  if (!response.ok) throw new Error(`secret ${secretId}: HTTP ${response.status}`);
  const body = (await response.json()) as { SecretString?: string };
  if (!body.SecretString) throw new Error(`secret ${secretId} has no SecretString`);
  return body.SecretString;
};
