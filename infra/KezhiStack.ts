import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpMethod, LogGroupLogDestination, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration, WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  AccountRecovery,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  UserPoolClient,
  UserPoolGroup,
  UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { Operation } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ROLES } from '../functions/lib/auth/principal.js';
import { needStreamFilter } from '../functions/lib/data/keys.js';
import { ServiceName } from '../functions/lib/logging.js';
import { KezhiTable } from './constructs/KezhiTable.js';
import { KezhiFunction } from './constructs/KezhiFunction.js';

/** Settings of one stage, from CDK context (`-c stage=prod -c webOrigins=https://a,https://b`). */
export interface StageSettings {
  stage: string;
  /** Browser origins allowed by CORS. */
  webOrigins: string[];
  /** Partner platforms that get client-credentials app clients. */
  partners: string[];
  /** Where alarms are mailed (optional). */
  alarmEmail?: string;
  /** The Cognito hosted-domain prefix (unique per region); default `kezhi-<stage>`. */
  authDomainPrefix?: string;
}

/** Partner scopes on the resource server. */
export const PARTNER_SCOPES = [
  { name: 'experts.write', description: "Sync the partner's own experts" },
  { name: 'needs.read', description: "Read needs matched to the partner's experts" },
] as const;

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

    // Identity: users in groups named after the roles; partners as client-credentials app clients.
    const userPool = new UserPool(this, 'Users', {
      selfSignUpEnabled: true,
      signInAliases: { phone: true, email: true },
      autoVerify: { phone: true, email: true },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { sms: true, otp: true },
      passwordPolicy: { minLength: 10, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      accountRecovery: AccountRecovery.PHONE_AND_EMAIL,
      customAttributes: {},
      removalPolicy,
      deletionProtection: prod,
    });
    for (const role of ROLES) new UserPoolGroup(this, `Group${role}`, { userPool, groupName: role, description: `Kezhi role ${role}` });
    const appClient = userPool.addClient('AppClient', {
      userPoolClientName: 'kezhi-apps',
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
    });
    const scopes = PARTNER_SCOPES.map((s) => new ResourceServerScope({ scopeName: s.name, scopeDescription: s.description }));
    const resourceServer = new UserPoolResourceServer(this, 'Api', { userPool, identifier: 'kezhi', scopes });
    // The hosted domain issues partners' client-credentials tokens; its prefix must be unique in the region.
    userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: settings.authDomainPrefix ?? `kezhi-${settings.stage}` } });
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
      CURSOR_SECRET: cursorSecret.secretValue.unsafeUnwrap(),
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

    for (const fn of [graphql, websocketHandler, streamHandler, webhookWorker]) table.grantReadWriteData(fn);
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
