import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import cdkJson from '../../cdk.json' with { type: 'json' };
import { KezhiStack, PARTNER_SCOPES, type StageSettings } from '../../infra/KezhiStack.js';
import { ACKNOWLEDGEMENTS, applySuppressions } from '../../infra/nagSuppressions.js';
import { settingsFrom } from '../../infra/app.js';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createTableInput, tableDefinition } from '../../functions/lib/data/table.js';
import { Entity, entityKey, indexKeysFor, needHistoryKey, needMatchKey, timeSortKey } from '../../functions/lib/data/keys.js';
import { matchesPattern } from '../support/eventPattern.js';
import { ServiceName } from '../../functions/lib/logging.js';
import { ROLES } from '../../functions/lib/auth/principal.js';

const settings: StageSettings = {
  stage: 'prod',
  webOrigins: ['https://kezhi.example.org', 'https://admin.kezhi.example.org'],
  partners: ['hk-expert-platform', 'mo-expert-platform'],
};
const synth = (s: StageSettings) => {
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new KezhiStack(app, `Kezhi-${s.stage}`, s);
  applySuppressions(stack);
  return { app, stack, template: Template.fromStack(stack) };
};
const { app, stack, template } = synth(settings);
const dev = synth({ ...settings, stage: 'dev' }).template;

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
const statements = (): Statement[] =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => (p.Properties.PolicyDocument.Statement as Statement[]) ?? []);

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
