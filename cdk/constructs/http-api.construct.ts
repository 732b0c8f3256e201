import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer, HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type RouteSpec, routeKey } from '../../functions/core/route';
import type { FunctionDefinition } from '../../functions/manifest';
import type { StaffIssuer } from './staff-issuer';
import { type DeskStage, resourceName, STAGE_SETTINGS } from './stage-settings';

/** Default-stage throttling: a service centre's front desk, not a public shop; enough for bulk imports. */
export const API_THROTTLE = { burstLimit: 100, rateLimit: 50 } as const;

/**
 * Per-route throttling of the routes without a staff JWT, well under the stage limit: anyone on the internet can
 * call them, so one of them must not use up the stage's capacity for the desk. Providers retry refused webhook
 * deliveries (HTTP 429) on their own schedules, and their real rate is a few notifications a minute.
 */
export const UNAUTHENTICATED_THROTTLE: Record<Exclude<RouteSpec['auth'], 'staff'>, { burstLimit: number; rateLimit: number }> = {
  webhook: { burstLimit: 20, rateLimit: 10 },
  public: { burstLimit: 10, rateLimit: 5 },
};

/** One JSON line per request; no headers, so no bearer token reaches the log. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationStatus: '$context.integrationStatus',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    staffId: '$context.authorizer.claims.sub',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
  }),
);

/** Why a route without the JWT authorizer is acceptable, by how the manifest declares it. */
const UNAUTHENTICATED_REASON: Record<Exclude<RouteSpec['auth'], 'staff'>, string> = {
  public: 'is declared auth: public in the manifest: its callers have no staff identity, and a per-route throttle limits it',
  webhook:
    'is a provider webhook (auth: webhook in the manifest): providers cannot present a staff JWT, so the handler verifies the provider signature over the raw body, and a per-route throttle limits it',
};

/** Who signs staff tokens: the stack's Cognito pool, or an OIDC issuer given by context (AWS China). */
export type StaffTokens =
  | { kind: 'cognito'; userPool: IUserPool; userPoolClient: IUserPoolClient }
  | { kind: 'oidc'; issuer: StaffIssuer };

export interface DeskHttpApiProps {
  stage: DeskStage;
  /** The manifest entries (their routes). */
  definitions: readonly FunctionDefinition[];
  /** The Lambda function of each manifest entry, by manifest name. */
  functions: ReadonlyMap<string, IFunction>;
  staffTokens: StaffTokens;
}

/**
 * The HTTP API: every route of every manifest entry, staff routes behind the JWT authorizer (Cognito, or the
 * configured OIDC issuer), a `$default` stage with throttling and JSON access logs, and tighter per-route
 * throttling on the routes without a staff JWT (webhooks, health, OpenAPI).
 */
export class DeskHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: DeskHttpApiProps) {
    super(scope, id);
    const settings = STAGE_SETTINGS[props.stage];

    this.api = new HttpApi(this, 'Api', {
      apiName: resourceName(props.stage, 'api'),
      description: '物业服务中心客服前台 back office',
      createDefaultStage: false,
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });

    // Cognito: issuer = the pool, audience = the staff app client (for access tokens API Gateway checks `client_id`).
    // OIDC: the issuer URL and audiences given by context; API Gateway fetches the keys from its discovery document.
    const tokens = props.staffTokens;
    const staffAuthorizer: IHttpRouteAuthorizer =
      tokens.kind === 'cognito'
        ? new HttpUserPoolAuthorizer('StaffJwt', tokens.userPool, { userPoolClients: [tokens.userPoolClient] })
        : new HttpJwtAuthorizer('StaffJwt', tokens.issuer.issuer, { jwtAudience: [...tokens.issuer.audience] });
    const noAuthorizer = new HttpNoneAuthorizer();

    // One integration per function, allowed from any route of this API: per-route permissions would
    // grow each function's resource policy past Lambda's 20 KB limit as routes are added.
    const integrations = new Map<string, HttpLambdaIntegration>();
    const integrationFor = (name: string) => {
      let integration = integrations.get(name);
      if (!integration) {
        const fn = props.functions.get(name);
        if (!fn) throw new Error(`No function built for manifest entry ${name}`);
        integration = new HttpLambdaIntegration(`Integration-${name}`, fn, { scopePermissionToRoute: false });
        integrations.set(name, integration);
      }
      return integration;
    };

    const seen = new Map<string, string>();
    const routeSettings: Record<string, { ThrottlingBurstLimit: number; ThrottlingRateLimit: number }> = {};
    const stageResource = this.stage.node.defaultChild as CfnStage;
    const routes = props.definitions.flatMap((fn) =>
      Object.entries(fn.routes ?? {}).map(([name, route]) => ({ fn, name, route })),
    );
    for (const { fn, name, route } of routes) {
      const key = routeKey(route);
      const owner = seen.get(key);
      if (owner) throw new Error(`Route ${key} is declared by both ${owner} and ${fn.name}`);
      seen.set(key, fn.name);

      const authorizer: IHttpRouteAuthorizer = route.auth === 'staff' ? staffAuthorizer : noAuthorizer;
      const httpRoute = new HttpRoute(this, `Route-${fn.name}-${name}`, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration: integrationFor(fn.name),
        authorizer,
      });
      if (route.auth !== 'staff') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${key} (${route.summary}) ${UNAUTHENTICATED_REASON[route.auth]}.`,
        });
        const limit = UNAUTHENTICATED_THROTTLE[route.auth];
        routeSettings[key] = { ThrottlingBurstLimit: limit.burstLimit, ThrottlingRateLimit: limit.rateLimit };
        // API Gateway refuses settings for a route key that does not exist yet.
        stageResource.node.addDependency(httpRoute);
      }
    }
    if (Object.keys(routeSettings).length > 0) stageResource.routeSettings = routeSettings;
  }

  get url(): string {
    return this.stage.url;
  }
}
