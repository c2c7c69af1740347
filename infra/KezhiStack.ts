import { CfnOutput, Duration, RemovalPolicy, Stack, Token, type StackProps } from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpMethod, LogGroupLogDestination, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration, WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  AccountRecovery,
  ClientAttributes,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  UserPoolClient,
  UserPoolEmail,
  UserPoolGroup,
  UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { Operation } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ROLES } from '../functions/lib/auth/principal.js';
import { connectionKey, needStreamFilter } from '../functions/lib/data/keys.js';
import { ServiceName } from '../functions/lib/logging.js';
import { KezhiTable } from './constructs/KezhiTable.js';
import { KezhiFunction } from './constructs/KezhiFunction.js';
import { ApiGatewayAccount } from './constructs/ApiGatewayAccount.js';
import { domainPrefixProblem } from './constructs/cognitoDomain.js';

/** Settings of one stage, from CDK context (`-c stage=prod -c webOrigins=https://a,https://b`). */
export interface StageSettings {
  stage: string;
  /** Browser origins allowed by CORS. */
  webOrigins: string[];
  /** Partner platforms that get client-credentials app clients. */
  partners: string[];
  /** Where alarms are mailed (optional). */
  alarmEmail?: string;
  /**
   * The Cognito hosted-domain prefix (unique across all AWS customers in the region): the domain exists only when
   * it is given, and it is required when partners or callback URLs are (their OAuth endpoints live on it).
   */
  authDomainPrefix?: string;
  /** The apps' OAuth callback URLs (authorization code with PKCE); none: OAuth is off on the app client. */
  callbackUrls?: string[];
  /** Where the hosted UI may send users after sign-out (only with callback URLs). */
  logoutUrls?: string[];
  /**
   * Whether this stack sets API Gateway's account-level CloudWatch role (one per account and region; default true).
   * false: the account must already have one, else the WebSocket stage (which logs access) fails to create.
   */
  apiGatewayAccountRole?: boolean;
  /** A verified SES sender (`no-reply@…`) for Cognito's mails; absent: Cognito's own sender (about 50 mails a day). */
  sesFromEmail?: string;
  /** The SES region of that sender (required when the stack's region is not fixed at synth). */
  sesRegion?: string;
  /** The SNS region Cognito sends SMS from (default: the user pool's region). */
  smsRegion?: string;
}

/** Partner scopes on the resource server. */
export const PARTNER_SCOPES = [
  { name: 'experts.write', description: "Sync the partner's own experts" },
  { name: 'needs.read', description: "Read needs matched to the partner's experts" },
] as const;

/** What an app client may read of a user: standard attributes only (the pool has no custom attributes). */
const USER_READABLE = new ClientAttributes().withStandardAttributes({
  email: true,
  emailVerified: true,
  phoneNumber: true,
  phoneNumberVerified: true,
  fullname: true,
  preferredUsername: true,
  locale: true,
});
/**
 * What a user may write about itself: contact and display attributes. Never an authority: roles and organization
 * come from the user's access record in the table, and the pool declares no `custom:*` attribute a user could set.
 */
const USER_WRITABLE = new ClientAttributes().withStandardAttributes({ email: true, phoneNumber: true, fullname: true, preferredUsername: true, locale: true });

/** DynamoDB actions of a function that reads and writes anywhere in the table (no Scan: every read is by key or index). */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
/** Writes, including the per-item actions TransactWriteItems needs (put, update, delete, condition check). */
export const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'];
/** The WebSocket function's writes (functions/lib/realtime/connections.ts: put, update, put-if-absent, batch delete). */
export const CONNECTION_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'];

/** The whole Kezhi stack: table, APIs, functions, identity, alarms and a dashboard. */
export class KezhiStack extends Stack {
  readonly data: KezhiTable;

  constructor(scope: Construct, id: string, settings: StageSettings, props: StackProps = {}) {
    super(scope, id, props);
    const prod = settings.stage === 'prod';
    const removalPolicy = prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = prod ? RetentionDays.SIX_MONTHS : RetentionDays.ONE_MONTH;

    this.data = new KezhiTable(this, 'Data', { removalPolicy, deletionProtection: prod });
    const table = this.data.table;

    // Identity: a token proves who the caller is; roles and organization come from the access record in the table
    // (the PROVINCE_ADMIN group only bootstraps the first province admin). Partners are client-credentials clients.
    const callbackUrls = settings.callbackUrls ?? [];
    const domainPrefix = settings.authDomainPrefix;
    if (domainPrefix !== undefined) {
      const problem = domainPrefixProblem(domainPrefix);
      if (problem) throw new Error(`authDomainPrefix "${domainPrefix}" ${problem} (Cognito's rules for a hosted-domain prefix)`);
    } else if (callbackUrls.length > 0 || settings.partners.length > 0) {
      // Partners' token endpoint and the apps' authorize endpoint live on the hosted domain.
      throw new Error('authDomainPrefix is required (-c authDomainPrefix=…) when partners or callbackUrls are given');
    }
    for (const url of callbackUrls) {
      // Cognito accepts http only for localhost; example.com would send users' codes to a stranger.
      if (!/^https:\/\/|^http:\/\/localhost(:|\/|$)/.test(url) || /example\.com/.test(url))
        throw new Error(`callbackUrls: "${url}" is not an https (or localhost) URL of ours`);
    }
    const sesRegion = settings.sesRegion ?? (Token.isUnresolved(this.region) ? undefined : this.region);
    if (settings.sesFromEmail && !sesRegion) throw new Error('sesRegion is required with sesFromEmail when the stack has no fixed region');
    const userPool = new UserPool(this, 'Users', {
      selfSignUpEnabled: true,
      signInAliases: { phone: true, email: true },
      autoVerify: { phone: true, email: true },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { sms: true, otp: true },
      passwordPolicy: { minLength: 10, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      accountRecovery: AccountRecovery.PHONE_AND_EMAIL,
      // No custom attributes: nothing a user writes about itself is an authority (see USER_WRITABLE).
      // Cognito's own sender allows about 50 mails a day (docs/operations.md): production gives a verified SES sender.
      email:
        settings.sesFromEmail && sesRegion
          ? UserPoolEmail.withSES({ fromEmail: settings.sesFromEmail, fromName: 'Kezhi', sesRegion })
          : UserPoolEmail.withCognito(),
      // SMS goes through SNS, which starts in its sandbox (verified numbers only) in each account and region.
      ...(settings.smsRegion && { snsRegion: settings.smsRegion }),
      removalPolicy,
      deletionProtection: prod,
    });
    for (const role of ROLES) new UserPoolGroup(this, `Group${role}`, { userPool, groupName: role, description: `Kezhi role ${role}` });
    // A public client (no secret): SRP sign-in in the apps, and with callback URLs the authorization-code flow only
    // (never implicit: tokens in a URL fragment). A public client's code exchange must carry PKCE's code_verifier;
    // Cognito checks it whenever the authorize request sent a code_challenge (the apps' OAuth library always does).
    const appClient = userPool.addClient('AppClient', {
      userPoolClientName: 'kezhi-apps',
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      readAttributes: USER_READABLE,
      writeAttributes: USER_WRITABLE,
      ...(callbackUrls.length > 0
        ? {
            oAuth: {
              flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
              scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PHONE, OAuthScope.PROFILE],
              callbackUrls,
              logoutUrls: settings.logoutUrls ?? [],
            },
          }
        : { disableOAuth: true }),
    });
    const scopes = PARTNER_SCOPES.map((s) => new ResourceServerScope({ scopeName: s.name, scopeDescription: s.description }));
    const resourceServer = new UserPoolResourceServer(this, 'Api', { userPool, identifier: 'kezhi', scopes });
    // The hosted domain issues partners' client-credentials tokens and runs the apps' authorize endpoint; only when asked for.
    if (domainPrefix !== undefined) userPool.addDomain('Domain', { cognitoDomain: { domainPrefix } });
    const partnerClients = settings.partners.map(
      (partner) =>
        new UserPoolClient(this, `Partner${partner.replace(/[^A-Za-z0-9]/g, '')}`, {
          userPool,
          userPoolClientName: `partner-${partner}`,
          generateSecret: true,
          oAuth: { flows: { clientCredentials: true }, scopes: scopes.map((s) => OAuthScope.resourceServer(resourceServer, s)) },
        }),
    );

    const cursorSecret = new Secret(this, 'CursorSecret', {
      description: 'HMAC key of Kezhi pagination cursors',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    const common = {
      TABLE_NAME: table.tableName,
      // Only the secret's ARN: each function reads the value once per cold start (functions/lib/app.ts, loadConfig).
      CURSOR_SECRET_ARN: cursorSecret.secretArn,
      KEZHI_STAGE: settings.stage,
      COGNITO_USER_POOL_ID: userPool.userPoolId,
      COGNITO_CLIENT_IDS: [appClient.userPoolClientId, ...partnerClients.map((c) => c.userPoolClientId)].join(','),
    };
    const fnDefaults = { logRetention, removalPolicy };

    const graphql = new KezhiFunction(this, 'Graphql', {
      ...fnDefaults,
      entry: 'functions/graphql/handler.ts',
      description: 'Kezhi GraphQL API (HTTP API → Apollo Server)',
      memorySize: 1024,
      timeout: Duration.seconds(10),
      environment: common,
      serviceName: ServiceName.graphql,
    }).fn;

    // WebSocket API: the graphql-transport-ws protocol over $connect / $default / $disconnect.
    const websocketHandler = new KezhiFunction(this, 'Subscriptions', {
      ...fnDefaults,
      entry: 'functions/subscriptions/handler.ts',
      description: 'Kezhi subscriptions (WebSocket API → graphql-ws)',
      memorySize: 512,
      timeout: Duration.seconds(10),
      environment: common,
      serviceName: ServiceName.subscriptions,
    }).fn;
    const webSocketApi = new WebSocketApi(this, 'WebSocketApi', {
      apiName: `kezhi-${settings.stage}-ws`,
      connectRouteOptions: { integration: new WebSocketLambdaIntegration('ConnectIntegration', websocketHandler) },
      disconnectRouteOptions: { integration: new WebSocketLambdaIntegration('DisconnectIntegration', websocketHandler) },
      defaultRouteOptions: { integration: new WebSocketLambdaIntegration('MessageIntegration', websocketHandler) },
    });
    const wsLogs = new LogGroup(this, 'WebSocketAccessLogs', { retention: logRetention, removalPolicy });
    const webSocketStage = new WebSocketStage(this, 'WebSocketStage', {
      webSocketApi,
      stageName: 'live',
      autoDeploy: true,
      throttle: { rateLimit: 500, burstLimit: 1000 },
      accessLogSettings: { destination: new LogGroupLogDestination(wsLogs) },
    });
    // A logging WebSocket stage needs the account's API Gateway CloudWatch role; without it, creation fails.
    // Opted out (apiGatewayAccountRole=false), the account must already have one (docs/operations.md).
    if (settings.apiGatewayAccountRole ?? true) webSocketStage.node.addDependency(new ApiGatewayAccount(this, 'ApiGatewayAccount').account);
    websocketHandler.addEnvironment('WEBSOCKET_ENDPOINT', webSocketStage.callbackUrl);

    // The stream: needs becoming OPEN are matched and pushed to subscribers.
    const streamFailures = new Queue(this, 'StreamFailures', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    const streamHandler = new KezhiFunction(this, 'Streams', {
      ...fnDefaults,
      entry: 'functions/streams/handler.ts',
      description: 'Kezhi table stream → matching and fan-out',
      memorySize: 1024,
      timeout: Duration.seconds(60),
      environment: { ...common, WEBSOCKET_ENDPOINT: webSocketStage.callbackUrl },
      serviceName: ServiceName.streams,
    }).fn;
    streamHandler.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 25,
        bisectBatchOnError: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(6),
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(streamFailures),
        // Only needs' main items concern the handler (not their index items, history or matches): see keys.ts.
        filters: [FilterCriteria.filter(needStreamFilter)],
      }),
    );

    // Webhook deliveries: the stream function tries a new one at once; this one retries the due ones every minute
    // (the pending deliveries live in the table: a due index on GSI1, see keys.ts), so retries survive anything.
    const webhookWorker = new KezhiFunction(this, 'Webhooks', {
      ...fnDefaults,
      entry: 'functions/webhooks/handler.ts',
      description: 'Kezhi webhook deliveries: due retries, every minute',
      memorySize: 512,
      // Up to 10 posts at once, 5 s each at most, batch after batch until the due index is empty or 15 s are left.
      timeout: Duration.seconds(60),
      environment: common,
      serviceName: ServiceName.webhooks,
    }).fn;
    new Rule(this, 'WebhookSchedule', {
      description: 'Runs the webhook worker every minute',
      schedule: Schedule.rate(Duration.minutes(1)),
      // A missed run is made up by the next one: the due index keeps every pending delivery.
      targets: [new LambdaFunction(webhookWorker, { retryAttempts: 0 })],
    });

    // Least privilege on the table: explicit actions, never Scan (every read is by key or index).
    for (const fn of [graphql, streamHandler, webhookWorker]) table.grant(fn, ...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS);
    // The WebSocket function reads anywhere (connection_init loads the caller's access record; subscribe runs the
    // schema's resolvers) but writes only its connections' partitions (CONN#<id>: the connection and its
    // subscriptions, functions/lib/realtime/connections.ts): writes are limited by leading key. Its reads are not:
    // which items a subscription document resolves is the caller's choice, through the policy module.
    table.grant(websocketHandler, ...TABLE_READ_ACTIONS);
    websocketHandler.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: CONNECTION_WRITE_ACTIONS,
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${connectionKey('').PK}*`] } },
      }),
    );
    for (const fn of [graphql, websocketHandler, streamHandler, webhookWorker]) cursorSecret.grantRead(fn);
    webSocketStage.grantManagementApiAccess(websocketHandler);
    webSocketStage.grantManagementApiAccess(streamHandler);

    // HTTP API: POST and GET /graphql. No API Gateway authorizer: anonymous callers may read public data,
    // so the function verifies Cognito tokens itself (COGNITO_USER_POOL_ID / COGNITO_CLIENT_IDS).
    const httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `kezhi-${settings.stage}`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: settings.webOrigins,
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.OPTIONS],
        allowHeaders: ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name', 'idempotency-key'],
        exposeHeaders: ['idempotent-replayed'],
        maxAge: Duration.hours(1),
      },
    });
    const httpLogs = new LogGroup(this, 'HttpAccessLogs', { retention: logRetention, removalPolicy });
    httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 1000, burstLimit: 2000 },
      accessLogSettings: { destination: new LogGroupLogDestination(httpLogs) },
    });
    httpApi.addRoutes({ path: '/graphql', methods: [HttpMethod.POST, HttpMethod.GET], integration: new HttpLambdaIntegration('GraphqlIntegration', graphql) });

    // Watching it: alarms to a topic, and one dashboard.
    const alarms = new Topic(this, 'Alarms', { enforceSSL: true, displayName: `Kezhi ${settings.stage} alarms` });
    // enforceSSL gives the topic a policy holding only its Deny, which replaces SNS's default one: CloudWatch
    // alarms of this account must be allowed to publish explicitly, or no alarm reaches anyone.
    alarms.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [alarms.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*` },
        },
      }),
    );
    if (settings.alarmEmail) alarms.addSubscription(new EmailSubscription(settings.alarmEmail));
    const alarm = (id: string, metric: IMetric, threshold: number, description: string) => {
      const a = new Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(new SnsAction(alarms));
      return a;
    };
    const functions = { Graphql: graphql, Subscriptions: websocketHandler, Streams: streamHandler, Webhooks: webhookWorker };
    for (const [name, fn] of Object.entries(functions)) {
      alarm(`${name}Errors`, fn.metricErrors({ period: Duration.minutes(5) }), 5, `${name} function errors`);
      alarm(`${name}Throttles`, fn.metricThrottles({ period: Duration.minutes(5) }), 1, `${name} function throttles`);
    }
    const http5xx = httpApi.metricServerError({ period: Duration.minutes(5) });
    const httpP99 = httpApi.metricLatency({ statistic: 'p99', period: Duration.minutes(5) });
    alarm('HttpApi5xx', http5xx, 5, 'HTTP API 5xx responses');
    alarm('HttpApiLatencyP99', httpP99, 2000, 'HTTP API p99 latency over 2 s');
    alarm(
      'StreamFailuresDepth',
      streamFailures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      1,
      'Stream records given up on (on-failure queue)',
    );
    const throttled = table.metricThrottledRequestsForOperations({
      operations: [Operation.GET_ITEM, Operation.QUERY, Operation.PUT_ITEM, Operation.UPDATE_ITEM, Operation.BATCH_GET_ITEM, Operation.TRANSACT_WRITE_ITEMS],
      period: Duration.minutes(5),
    });
    const systemErrors = table.metricSystemErrorsForOperations({
      operations: [Operation.GET_ITEM, Operation.QUERY, Operation.PUT_ITEM, Operation.UPDATE_ITEM, Operation.BATCH_GET_ITEM, Operation.TRANSACT_WRITE_ITEMS],
      period: Duration.minutes(5),
    });
    // Errors the API answers with HTTP 200 (masked internal errors, a partially failed database): the GraphQL
    // function's EMF metrics under the service dimension alone (functions/lib/server.ts); the same metrics of the
    // WebSocket path (functions/lib/realtime/subscriptions.ts): subscribe and message errors in the subscriptions
    // function, failed deliveries in the streams function.
    const apiErrors = (metricName: string, service: ServiceName = ServiceName.graphql) =>
      new Metric({ namespace: 'Kezhi', metricName, dimensionsMap: { service }, statistic: 'Sum', period: Duration.minutes(5) });
    const internalErrors = apiErrors('InternalErrors');
    const unavailableErrors = apiErrors('UnavailableErrors');
    alarm('GraphqlInternalErrors', internalErrors, 1, 'GraphQL INTERNAL_SERVER_ERROR answers (masked errors: a bug or an unexpected fault)');
    alarm('GraphqlUnavailableErrors', unavailableErrors, 5, 'GraphQL SERVICE_UNAVAILABLE answers (the database timed out or failed)');
    const realtime = [
      { id: 'Subscriptions', service: ServiceName.subscriptions, what: 'WebSocket subscribe and message' },
      { id: 'Deliveries', service: ServiceName.streams, what: 'subscription delivery' },
    ] as const;
    for (const { id, service, what } of realtime) {
      alarm(`${id}InternalErrors`, apiErrors('InternalErrors', service), 1, `Masked internal errors of ${what} (a bug or an unexpected fault)`);
      alarm(`${id}UnavailableErrors`, apiErrors('UnavailableErrors', service), 5, `SERVICE_UNAVAILABLE errors of ${what} (the database timed out or failed)`);
    }
    alarm('TableThrottles', throttled, 1, 'DynamoDB throttled requests');
    alarm('TableSystemErrors', systemErrors, 1, 'DynamoDB system errors');

    new Dashboard(this, 'Dashboard', {
      dashboardName: `kezhi-${settings.stage}`,
      widgets: [
        [
          new GraphWidget({ title: 'Function errors', left: Object.values(functions).map((f) => f.metricErrors()) }),
          new GraphWidget({ title: 'Function duration p99', left: Object.values(functions).map((f) => f.metricDuration({ statistic: 'p99' })) }),
        ],
        [
          new GraphWidget({ title: 'HTTP API 5xx and p99 latency', left: [http5xx], right: [httpP99] }),
          new GraphWidget({ title: 'GraphQL internal and unavailable errors', left: [internalErrors, unavailableErrors] }),
          new GraphWidget({
            title: 'WebSocket and delivery internal and unavailable errors',
            left: realtime.flatMap(({ service }) => [apiErrors('InternalErrors', service), apiErrors('UnavailableErrors', service)]),
          }),
          new GraphWidget({ title: 'DynamoDB throttled requests', left: [throttled] }),
          new GraphWidget({ title: 'DynamoDB system errors', left: [systemErrors] }),
        ],
        [new GraphWidget({ title: 'Stream failures queue depth', left: [streamFailures.metricApproximateNumberOfMessagesVisible()] })],
      ],
    });

    new CfnOutput(this, 'GraphqlUrl', { value: `${httpApi.apiEndpoint}/graphql` });
    new CfnOutput(this, 'WebSocketUrl', { value: webSocketStage.url });
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'AppClientId', { value: appClient.userPoolClientId });
    new CfnOutput(this, 'PartnerClientIds', { value: partnerClients.map((c) => c.userPoolClientId).join(',') || 'none' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
  }
}
