import { describe, expect, it } from 'vitest';
import { parseStaffIssuer } from '../../cdk/constructs/staff-issuer';
import { synthesise } from './support';

const ISSUER = 'https://auth.example.cn/realms/desk';

describe('parseStaffIssuer', () => {
  it('means Cognito when neither context value is given', () => {
    // Prepare + Act
    const issuer = parseStaffIssuer(undefined, undefined);
    // Assess
    expect(issuer).toBeUndefined();
  });

  it('reads the issuer and a comma-separated list of audiences', () => {
    // Prepare + Act
    const issuer = parseStaffIssuer(ISSUER, 'desk-web, desk-app');
    // Assess
    expect(issuer).toEqual({ issuer: ISSUER, audience: ['desk-web', 'desk-app'] });
  });

  it.each([
    [ISSUER, undefined],
    [undefined, 'desk-web'],
    ['http://auth.example.cn', 'desk-web'],
    ['not a url', 'desk-web'],
    [ISSUER, ' , '],
  ])('refuses jwtIssuer=%s with jwtAudience=%s', (issuer, audience) => {
    // Prepare + Act
    const parse = () => parseStaffIssuer(issuer, audience);
    // Assess
    expect(parse).toThrow(/jwtIssuer|jwtAudience/);
  });
});

describe('DeskStack with an OIDC issuer for staff tokens', () => {
  const oidc = synthesise('dev', { staffIssuer: { issuer: ISSUER, audience: ['desk-web'] } });

  it('checks staff tokens against the given issuer and audience', () => {
    // Prepare + Act + Assess
    oidc.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: ISSUER, Audience: ['desk-web'] },
    });
  });

  it('creates no Cognito user pool', () => {
    // Prepare + Act
    const pools = oidc.template.findResources('AWS::Cognito::UserPool');
    // Assess
    expect(Object.keys(pools)).toEqual([]);
  });

  it('keeps the JWT authorizer on every staff route', () => {
    // Prepare
    const routes = Object.values(oidc.template.findResources('AWS::ApiGatewayV2::Route'));
    // Act
    const types = new Set(routes.map((route) => route.Properties.AuthorizationType));
    // Assess
    expect([...types].sort()).toEqual(['JWT', 'NONE']);
  });
});
