/**
 * Staff tokens from an OIDC issuer instead of the stack's Cognito user pool: Cognito user pools are not offered in
 * the AWS China regions, so there `-c jwtIssuer=https://… -c jwtAudience=<client id>[,<client id>…]` points the
 * HTTP API's JWT authorizer at Authing, Keycloak or another OIDC provider, and the stack creates no user pool.
 * The handlers read roles from the `cognito:groups` claim, so the issuer must put the role names there.
 */
export interface StaffIssuer {
  /** The issuer URL exactly as the tokens' `iss` claim has it (https). */
  issuer: string;
  /** Accepted `aud` (or, for access tokens, `client_id`) values. */
  audience: readonly string[];
}

/** Reads the two context values; none means "use Cognito", one without the other is a usage error. */
export const parseStaffIssuer = (issuer: unknown, audience: unknown): StaffIssuer | undefined => {
  if (issuer === undefined && audience === undefined) return undefined;
  if (typeof issuer !== 'string' || typeof audience !== 'string' || !issuer || !audience) {
    throw new Error('Give both -c jwtIssuer=https://… and -c jwtAudience=<client id>, or neither (Cognito)');
  }
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`-c jwtIssuer=${issuer} is not a URL`);
  }
  if (url.protocol !== 'https:') throw new Error(`-c jwtIssuer must be an https URL (API Gateway requires it): ${issuer}`);
  const audiences = audience
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
  if (audiences.length === 0) throw new Error('-c jwtAudience needs at least one client id');
  return { issuer, audience: audiences };
};
