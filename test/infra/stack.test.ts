import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import cdkJson from '../../cdk.json' with { type: 'json' };
import { KezhiStack, PARTNER_SCOPES, TABLE_READ_ACTIONS, TABLE_WRITE_ACTIONS, type StageSettings } from '../../infra/KezhiStack.js';
import { ACKNOWLEDGEMENTS, applySuppressions } from '../../infra/nagSuppressions.js';
import { settingsFrom } from '../../infra/app.js';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createTableInput, tableDefinition } from '../../functions/lib/data/table.js';
import { Entity, connectionKey, entityKey, indexKeysFor, needHistoryKey, needMatchKey, subscriptionKey, timeSortKey } from '../../functions/lib/data/keys.js';
import { matchesPattern } from '../../infra/local/eventPattern.js';
import { ServiceName } from '../../functions/lib/logging.js';
import { ROLES } from '../../functions/lib/auth/principal.js';

const settings: StageSettings = {
  stage: 'prod',
  webOrigins: ['https://kezhi.example.org', 'https://admin.kezhi.example.org'],
  partners: ['hk-expert-platform', 'mo-expert-platform'],
  authDomainPrefix: 'kezhi-prod-gd',
  callbackUrls: ['https://kezhi.example.org/auth/callback'],
};
const synth = (s: StageSettings) => {
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new KezhiStack(app, `Kezhi-${s.stage}`, s);
  applySuppressions(stack);
  return { app, stack, template: Template.fromStack(stack) };
};
const { app, stack, template } = synth(settings);
const dev = synth({ ...settings, stage: 'dev' }).template;

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: Record<string, unknown>; Principal?: unknown };
const statements = (t: Template = template): Statement[] =>
  Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => (p.Properties.PolicyDocument.Statement as Statement[]) ?? []);
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
/** The IAM statements of the function whose description contains `text` (its role's policies). */
const statementsOf = (text: string): Statement[] => {
  const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) => String(f.Properties.Description).includes(text));
  const role = fn?.Properties.Role['Fn::GetAtt'][0] as string;
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${role}"`))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
};
const synthError = (s: Partial<StageSettings>) => {
  try {
    synth({ ...settings, ...s });
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('KezhiStack', () => {
  describe('table', () => {
    it('has the key schema and indexes of the code’s definition (the same as the local table)', () => {
      const local = createTableInput('x');
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: local.KeySchema,
        AttributeDefinitions: Match.arrayWith(local.AttributeDefinitions),
        GlobalSecondaryIndexes: local.GlobalSecondaryIndexes.map((g) => Match.objectLike({ IndexName: g.IndexName, KeySchema: g.KeySchema })),
      });
    });

    it('streams new and old images, expires by TTL, keeps PITR and encryption, and in prod is protected and retained', () => {
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
        SSESpecification: { SSEEnabled: true },
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
      });
      expect(Object.values(template.findResources('AWS::DynamoDB::GlobalTable'))[0]?.DeletionPolicy).toBe('Retain');
      expect(Object.values(dev.findResources('AWS::DynamoDB::GlobalTable'))[0]?.DeletionPolicy).toBe('Delete');
    });
  });

  describe('functions', () => {
    it('runs four Node.js 22 arm64 functions with X-Ray, source maps and their own log groups', () => {
      const fns = template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x' } });
      expect(Object.keys(fns)).toHaveLength(4);
      for (const fn of Object.values(fns)) {
        expect(fn.Properties.Architectures).toEqual(['arm64']);
        expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
        expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
        expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
      }
    });

    it('gives each function its own service name (the one its logger uses)', () => {
      const functions = Object.values(template.findResources('AWS::Lambda::Function'));
      const serviceOf = (text: string) =>
        functions.find((f) => String(f.Properties.Description).includes(text))?.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME;
      expect(serviceOf('GraphQL API')).toBe(ServiceName.graphql);
      expect(serviceOf('subscriptions')).toBe(ServiceName.subscriptions);
      expect(serviceOf('table stream')).toBe(ServiceName.streams);
      expect(serviceOf('webhook deliveries')).toBe(ServiceName.webhooks);
      expect(new Set(Object.values(ServiceName)).size).toBe(4);
    });

    it('runs the webhook worker every minute from an EventBridge schedule, with the table granted', () => {
      const functions = template.findResources('AWS::Lambda::Function');
      const [workerId, worker] = Object.entries(functions).find(([, f]) => String(f.Properties.Description).includes('webhook deliveries')) ?? [];
      expect(worker?.Properties.Timeout).toBe(60);
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [workerId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } })],
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [workerId, 'Arn'] },
      });
      const role = worker?.Properties.Role['Fn::GetAtt'][0] as string;
      const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(role));
      expect(JSON.stringify(policies)).toContain('dynamodb:UpdateItem');
    });

    it('consumes the stream with bisect on error, bounded retries and age, partial batch failures and an SQS on-failure destination', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 5,
        MaximumRecordAgeInSeconds: 6 * 3600,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        StartingPosition: 'LATEST',
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('StreamFailures'), 'Arn'] } } },
      });
    });

    it('filters the stream to needs’ main items: a need passes; its index items, history and matches do not', () => {
      const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
      expect(mappings).toHaveLength(1);
      const filters = mappings[0]?.Properties.FilterCriteria.Filters as Array<{ Pattern: string }>;
      expect(filters).toHaveLength(1);
      const pattern: unknown = JSON.parse(filters[0]?.Pattern ?? 'null');
      const passes = (item: Record<string, unknown>, eventName = 'MODIFY') => {
        const image = marshall(item, { removeUndefinedValues: true });
        const record = { eventName, dynamodb: { Keys: marshall({ PK: item.PK, SK: item.SK }), NewImage: image, OldImage: image } };
        return matchesPattern(pattern, record);
      };
      const need = { id: 'n1', status: 'OPEN', createdAt: '2026-03-01T00:00:00.000Z', kind: 'TECHNOLOGY', domains: ['AGRICULTURE'], regionCode: '440103' };
      const [indexKey] = indexKeysFor('NEED', { region: ['44', '4401'], status: 'OPEN', kind: 'TECHNOLOGY' }, timeSortKey(need.createdAt, need.id));
      expect(indexKey).toBeDefined();

      expect(passes({ ...entityKey('NEED', need.id), entity: Entity.NEED, ...need })).toBe(true);
      expect(passes({ ...entityKey('NEED', need.id), entity: Entity.NEED, ...need }, 'INSERT')).toBe(true);
      expect(passes({ ...indexKey, entity: Entity.NEED, id: need.id, kind: need.kind, domains: need.domains })).toBe(false);
      expect(passes({ ...needHistoryKey(need.id, need.createdAt, 1), entity: Entity.NEED_EVENT, action: 'SUBMIT' })).toBe(false);
      expect(passes({ ...needMatchKey(need.id, 1), entity: Entity.NEED_MATCH, needId: need.id, expertId: 'e1', score: 0.9 })).toBe(false);
      expect(passes({ ...entityKey('EXPERT', 'e1'), entity: Entity.EXPERT, id: 'e1' })).toBe(false);
    });

    it('grants least privilege: no wildcard actions, DynamoDB only on the table and its indexes, connections only on this API', () => {
      const all = statements();
      const actions = all.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
      expect(actions.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
      for (const s of all.filter((x) => JSON.stringify(x.Action).includes('dynamodb:'))) {
        expect(JSON.stringify(s.Resource)).toMatch(/DataTable/);
        expect(JSON.stringify(s.Action)).not.toContain('dynamodb:DeleteTable');
      }
      const manage = all.filter((s) => JSON.stringify(s.Action).includes('execute-api:ManageConnections'));
      expect(manage).toHaveLength(2);
      for (const s of manage) expect(JSON.stringify(s.Resource)).toContain('WebSocketApi');
    });
  });

  describe('least privilege and secrets', () => {
    it('grants no function dynamodb:Scan (nor any table-level admin action)', () => {
      const actions = statements().flatMap(actionsOf);
      expect(actions).not.toContain('dynamodb:Scan');
      // Besides item actions only the stream reads of the stream function's event source (on the stream, not the table).
      const streamReads = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
      expect(actions.filter((a) => a.startsWith('dynamodb:') && !a.endsWith('Item') && a !== 'dynamodb:Query' && !streamReads.includes(a))).toEqual([]);
    });

    it('gives the GraphQL, stream and webhook functions exactly the item reads and writes they use', () => {
      for (const text of ['GraphQL API', 'table stream', 'webhook deliveries']) {
        const onTable = statementsOf(text).filter((s) => JSON.stringify(s.Action).includes('dynamodb:') && !JSON.stringify(s.Resource).match(/StreamArn|\*"$/));
        expect(new Set(onTable.flatMap(actionsOf))).toEqual(new Set([...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS]));
        expect(TABLE_READ_ACTIONS).toEqual(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query']);
      }
    });

    it('lets the WebSocket function read the table but write only its connections’ partitions (CONN#…, by leading key)', () => {
      const dynamo = statementsOf('subscriptions (WebSocket').filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
      const reads = dynamo.filter((s) => !s.Condition);
      const writes = dynamo.filter((s) => s.Condition);
      expect(new Set(reads.flatMap(actionsOf))).toEqual(new Set(TABLE_READ_ACTIONS));
      expect(writes).toHaveLength(1);
      expect(new Set(writes.flatMap(actionsOf))).toEqual(new Set(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem']));
      expect(writes[0]?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${connectionKey('c1').PK.replace('c1', '')}*`] } });
      expect(connectionKey('c1').PK).toBe('CONN#c1');
      expect(subscriptionKey('c1', 's1').PK).toBe('CONN#c1');
    });

    it('keeps the cursor secret out of the functions’ configuration: only its ARN, read at cold start with a read grant', () => {
      const [secretId] = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
      const functions = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x' } }));
      for (const fn of functions) {
        const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
        expect(variables.CURSOR_SECRET).toBeUndefined();
        expect(JSON.stringify(variables)).not.toMatch(/resolve:secretsmanager|SecretString/);
        expect(variables.CURSOR_SECRET_ARN).toEqual({ Ref: secretId });
      }
      for (const text of ['GraphQL API', 'subscriptions (WebSocket', 'table stream', 'webhook deliveries']) {
        const read = statementsOf(text).filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'));
        expect(read.map((s) => s.Resource)).toEqual([{ Ref: secretId }]);
      }
    });
  });

  describe('APIs', () => {
    it('configures CORS for the web origins from context', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'HTTP',
        CorsConfiguration: Match.objectLike({
          AllowOrigins: settings.webOrigins,
          AllowHeaders: Match.arrayWith(['content-type', 'authorization', 'idempotency-key']),
          ExposeHeaders: ['idempotent-replayed'],
        }),
      });
      expect(settingsFrom(new App({ context: { webOrigins: 'https://a.example,https://b.example' } })).webOrigins).toEqual([
        'https://a.example',
        'https://b.example',
      ]);
    });

    it('authorizes in the functions: routes without an API Gateway authorizer, functions given the user pool and its clients', () => {
      const routes = template.findResources('AWS::ApiGatewayV2::Route');
      expect(
        Object.values(routes)
          .map((r) => r.Properties.RouteKey)
          .sort(),
      ).toEqual(['$connect', '$default', '$disconnect', 'GET /graphql', 'POST /graphql']);
      for (const r of Object.values(routes)) expect(r.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
      const graphql = Object.values(template.findResources('AWS::Lambda::Function')).find((f) => String(f.Properties.Description).includes('GraphQL API'));
      expect(graphql?.Properties.Environment.Variables.COGNITO_USER_POOL_ID).toEqual({ Ref: expect.stringMatching(/^Users/) });
      expect(JSON.stringify(graphql?.Properties.Environment.Variables.COGNITO_CLIENT_IDS)).toMatch(/AppClient.*Partner/);
    });

    it('logs access of both APIs', () => {
      for (const stage of Object.values(template.findResources('AWS::ApiGatewayV2::Stage')))
        expect(stage.Properties.AccessLogSettings?.DestinationArn).toBeDefined();
    });
  });

  describe('creating on an empty account', () => {
    it('sets API Gateway’s account CloudWatch role before the logging WebSocket stage', () => {
      const accounts = template.findResources('AWS::ApiGateway::Account');
      expect(Object.keys(accounts)).toHaveLength(1);
      const [accountId, account] = Object.entries(accounts)[0] ?? [];
      const roleId = account?.Properties.CloudWatchRoleArn['Fn::GetAtt'][0] as string;
      const role = template.findResources('AWS::IAM::Role')[roleId];
      expect(JSON.stringify(role?.Properties.AssumeRolePolicyDocument)).toContain('apigateway.amazonaws.com');
      expect(JSON.stringify(role?.Properties.ManagedPolicyArns)).toContain('AmazonAPIGatewayPushToCloudWatchLogs');
      expect(role?.DeletionPolicy).toBe('Retain');
      const wsStage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')).find((st) => st.Properties.StageName === 'live');
      expect(wsStage?.DependsOn).toContain(accountId);
    });

    it('opts out with apiGatewayAccountRole=false (an account that has the role): no account setting, WebSocket access logs stay on', () => {
      const optedOut = synth({ ...settings, apiGatewayAccountRole: false }).template;
      optedOut.resourceCountIs('AWS::ApiGateway::Account', 0);
      for (const stage of Object.values(optedOut.findResources('AWS::ApiGatewayV2::Stage')))
        expect(stage.Properties.AccessLogSettings?.DestinationArn).toBeDefined();
      expect(settingsFrom(new App({ context: { apiGatewayAccountRole: 'false' } })).apiGatewayAccountRole).toBe(false);
      expect(settingsFrom(new App({ context: {} })).apiGatewayAccountRole).toBeUndefined();
    });

    it('lets CloudWatch alarms of this account publish to the topic, besides the SSL-only Deny', () => {
      const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
      expect(policies).toHaveLength(1);
      const topicStatements = policies[0]?.Properties.PolicyDocument.Statement as Statement[];
      expect(topicStatements.filter((st) => st.Effect === 'Deny').map((st) => st.Condition)).toEqual([{ Bool: { 'aws:SecureTransport': 'false' } }]);
      const allow = topicStatements.filter((st) => st.Effect === 'Allow');
      expect(allow).toHaveLength(1);
      expect(allow[0]).toMatchObject({
        Action: 'sns:Publish',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Resource: { Ref: expect.stringMatching(/^Alarms/) },
      });
      expect(allow[0]?.Condition).toMatchObject({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
      expect(JSON.stringify(allow[0]?.Condition?.ArnLike)).toContain(':alarm:*');
    });
  });

  describe('identity', () => {
    it('has a group per role, a resource server with the partner scopes and a client-credentials client per partner', () => {
      const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName);
      expect(groups.sort()).toEqual([...ROLES].sort());
      template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
        Identifier: 'kezhi',
        Scopes: PARTNER_SCOPES.map((s) => ({ ScopeName: s.name, ScopeDescription: s.description })),
      });
      const partners = template.findResources('AWS::Cognito::UserPoolClient', { Properties: { AllowedOAuthFlows: ['client_credentials'] } });
      expect(
        Object.values(partners)
          .map((c) => c.Properties.ClientName)
          .sort(),
      ).toEqual(['partner-hk-expert-platform', 'partner-mo-expert-platform']);
      for (const c of Object.values(partners)) expect(c.Properties.GenerateSecret).toBe(true);
    });
  });

  describe('identity hardened', () => {
    const appClient = (t: Template) => Object.values(t.findResources('AWS::Cognito::UserPoolClient', { Properties: { ClientName: 'kezhi-apps' } }))[0];

    it('limits the app client’s OAuth to the authorization-code flow with the context’s callback URLs, a public client (PKCE)', () => {
      const client = appClient(template);
      expect(client?.Properties).toMatchObject({
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        CallbackURLs: settings.callbackUrls,
        GenerateSecret: false,
      });
      expect(JSON.stringify(template.toJSON())).not.toMatch(/implicit|https:\/\/example\.com/);
    });

    it('turns OAuth off on the app client when no callback URL is given', () => {
      const client = appClient(synth({ ...settings, callbackUrls: [] }).template);
      expect(client?.Properties.AllowedOAuthFlowsUserPoolClient).toBe(false);
      expect(client?.Properties.AllowedOAuthFlows).toBeUndefined();
      expect(client?.Properties.CallbackURLs).toBeUndefined();
    });

    it('declares no custom attribute and lets users write no authority: standard contact and display attributes only', () => {
      const pool = Object.values(template.findResources('AWS::Cognito::UserPool'))[0];
      expect(JSON.stringify(pool?.Properties.Schema ?? [])).not.toContain('custom');
      for (const client of Object.values(template.findResources('AWS::Cognito::UserPoolClient'))) {
        const write = (client.Properties.WriteAttributes as string[] | undefined) ?? [];
        expect(write.filter((a) => a.startsWith('custom:'))).toEqual([]);
      }
      const client = appClient(template);
      expect([...(client?.Properties.WriteAttributes as string[])].sort()).toEqual(['email', 'locale', 'name', 'phone_number', 'preferred_username']);
      expect(JSON.stringify(client?.Properties.ReadAttributes)).not.toContain('custom:');
    });

    it('creates the hosted domain only when asked for, with a prefix valid by Cognito’s rules', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'kezhi-prod-gd' });
      synth({ ...settings, partners: [], callbackUrls: [], authDomainPrefix: undefined }).template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
      expect(synthError({ authDomainPrefix: undefined })).toMatch(/authDomainPrefix is required/);
      expect(synthError({ partners: [], authDomainPrefix: undefined })).toMatch(/authDomainPrefix is required/);
      for (const bad of ['Kezhi', '-kezhi', 'kezhi-', 'kezhi_gd', 'my-aws-pool', 'amazon-kezhi', 'kezhi-cognito', 'k'.repeat(64), ''])
        expect(synthError({ authDomainPrefix: bad }), bad).toMatch(/authDomainPrefix/);
      expect(synthError({ authDomainPrefix: 'k'.repeat(63) })).toBeNull();
      expect(synthError({ callbackUrls: ['https://example.com/cb'] })).toMatch(/callbackUrls/);
      expect(synthError({ callbackUrls: ['http://kezhi.example.org/cb'] })).toMatch(/callbackUrls/);
    });

    it('mails through SES when a verified sender is given (Cognito’s own sender otherwise) and sends SMS from the chosen region', () => {
      const pool = (t: Template) => Object.values(t.findResources('AWS::Cognito::UserPool'))[0]?.Properties;
      expect(pool(template)?.EmailConfiguration).toMatchObject({ EmailSendingAccount: 'COGNITO_DEFAULT' });
      const ses = pool(synth({ ...settings, sesFromEmail: 'no-reply@kezhi.example.org', sesRegion: 'ap-southeast-1', smsRegion: 'ap-southeast-1' }).template);
      expect(ses?.EmailConfiguration).toMatchObject({ EmailSendingAccount: 'DEVELOPER', From: expect.stringContaining('no-reply@kezhi.example.org') });
      expect(JSON.stringify(ses?.EmailConfiguration.SourceArn)).toContain('ap-southeast-1');
      expect(ses?.SmsConfiguration).toMatchObject({ SnsRegion: 'ap-southeast-1' });
      expect(synthError({ sesFromEmail: 'no-reply@kezhi.example.org' })).toMatch(/sesRegion/);
    });
  });

  describe('watching it', () => {
    it('alarms on each function’s errors and throttles, the API’s 5xx and p99, the DLQ, and the table, all to the topic', () => {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      const byMetric = (name: string) => alarms.filter((a) => a.Properties.MetricName === name);
      expect(byMetric('Errors')).toHaveLength(4);
      expect(byMetric('Throttles')).toHaveLength(4);
      expect(byMetric('5xx')).toHaveLength(1);
      expect(byMetric('Latency')[0]?.Properties.ExtendedStatistic).toBe('p99');
      expect(byMetric('ApproximateNumberOfMessagesVisible')).toHaveLength(1);
      expect(alarms.filter((a) => JSON.stringify(a.Properties.Metrics ?? '').includes('ThrottledRequests'))).toHaveLength(1);
      expect(alarms.filter((a) => JSON.stringify(a.Properties.Metrics ?? '').includes('SystemErrors'))).toHaveLength(1);
      for (const a of alarms) expect(JSON.stringify(a.Properties.AlarmActions)).toMatch(/Alarms/);
      template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    });

    it('alarms on the GraphQL API’s internal and unavailable errors (answered with HTTP 200 or 503), from its EMF metrics, to the topic', () => {
      for (const [metricName, threshold] of [
        ['InternalErrors', 1],
        ['UnavailableErrors', 5],
      ] as const) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'Kezhi',
          MetricName: metricName,
          Dimensions: [{ Name: 'service', Value: ServiceName.graphql }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: threshold,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
        });
      }
      // The namespace and dimension the function publishes under (server.ts adds the service-only dimension set).
      const graphql = Object.values(template.findResources('AWS::Lambda::Function')).find((f) => String(f.Properties.Description).includes('GraphQL API'));
      expect(graphql?.Properties.Environment.Variables).toMatchObject({ POWERTOOLS_METRICS_NAMESPACE: 'Kezhi', POWERTOOLS_SERVICE_NAME: ServiceName.graphql });
    });

    it('alarms on the same metrics of the WebSocket path: subscribe and message errors (subscriptions function) and failed deliveries (streams function)', () => {
      for (const service of [ServiceName.subscriptions, ServiceName.streams]) {
        for (const [metricName, threshold] of [
          ['InternalErrors', 1],
          ['UnavailableErrors', 5],
        ] as const) {
          template.hasResourceProperties('AWS::CloudWatch::Alarm', {
            Namespace: 'Kezhi',
            MetricName: metricName,
            Dimensions: [{ Name: 'service', Value: service }],
            Statistic: 'Sum',
            Period: 300,
            Threshold: threshold,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
          });
        }
        // The functions publish under that namespace and service (functions/subscriptions and functions/streams handler.ts).
        const fn = Object.values(template.findResources('AWS::Lambda::Function')).find(
          (f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === service,
        );
        expect(fn?.Properties.Environment.Variables).toMatchObject({ POWERTOOLS_METRICS_NAMESPACE: 'Kezhi' });
      }
    });

    it('outputs the URLs, the user pool and the client ids', () => {
      for (const name of ['GraphqlUrl', 'WebSocketUrl', 'UserPoolId', 'AppClientId', 'PartnerClientIds']) expect(template.findOutputs(name)).not.toEqual({});
    });
  });

  describe('cdk-nag', () => {
    it('reports no unacknowledged AwsSolutions finding, and every acknowledgement has a reason', () => {
      const report = new AwsSolutionsChecks(app).validateScope(stack);
      expect(report.violations.map((v) => v.ruleName)).toEqual([]);
      for (const a of ACKNOWLEDGEMENTS) expect(a.reason.length).toBeGreaterThan(30);
    });
  });
});
