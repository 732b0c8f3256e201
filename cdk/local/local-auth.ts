import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { isRole, type Role } from '../../functions/core/roles';

/**
 * Local stand-in for Cognito: an ES256 key pair kept in the data folder signs staff tokens with
 * the claims Cognito puts in them (`sub`, `name`, `cognito:groups`); the local target verifies
 * issuer, audience and expiry the way the API Gateway JWT authorizer does.
 */
export const LOCAL_ISSUER = 'urn:property-desk:local-issuer';
export const LOCAL_AUDIENCE = 'property-desk-local';
const ALG = 'ES256';

export interface LocalKeys {
  privateJwk: JWK;
  publicJwk: JWK;
}

export const createLocalKeys = async (): Promise<LocalKeys> => {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const kid = `local-${Date.now().toString(36)}`;
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: ALG },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' },
  };
};

export const loadOrCreateLocalKeys = async (dataDir: string): Promise<LocalKeys> => {
  const file = resolve(dataDir, 'local-auth-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalKeys;
  const keys = await createLocalKeys();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
};

export interface TokenRequest {
  roles: Role[];
  name: string;
  sub?: string;
  /** Lifetime in seconds (default 12 h, one shift and a bit). */
  ttlSeconds?: number;
  audience?: string;
  issuer?: string;
}

export const issueToken = async (keys: LocalKeys, request: TokenRequest, now = new Date()): Promise<string> => {
  for (const role of request.roles) if (!isRole(role)) throw new Error(`unknown role: ${role}`);
  const key = await importJWK(keys.privateJwk, ALG);
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ name: request.name, 'cognito:groups': request.roles, token_use: 'access' })
    .setProtectedHeader({ alg: ALG, kid: keys.privateJwk.kid ?? 'local' })
    .setSubject(request.sub ?? `local-${Buffer.from(request.name).toString('hex').slice(0, 24)}`)
    .setIssuer(request.issuer ?? LOCAL_ISSUER)
    .setAudience(request.audience ?? LOCAL_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (request.ttlSeconds ?? 12 * 3600))
    .sign(key);
};

export type Verifier = (token: string) => Promise<JWTPayload>;

export const localVerifier = (
  keys: Pick<LocalKeys, 'publicJwk'>,
  options: { issuer?: string; audience?: string } = {},
): Verifier => {
  const keyPromise = importJWK(keys.publicJwk, ALG);
  return async (token) => {
    const { payload } = await jwtVerify(token, await keyPromise, {
      issuer: options.issuer ?? LOCAL_ISSUER,
      audience: options.audience ?? LOCAL_AUDIENCE,
      algorithms: [ALG],
    });
    return payload;
  };
};
