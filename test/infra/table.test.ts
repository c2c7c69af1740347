import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { KezhiStack } from '../../infra/KezhiStack.js';
import { createTableInput, tableDefinition } from '../../functions/lib/data/table.js';
import cdkJson from '../../cdk.json' with { type: 'json' };

const template = Template.fromStack(new KezhiStack(new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } }), 'Test'));

describe('KezhiTable', () => {
  it('has the key schema and indexes of the shared definition (the same as the local table)', () => {
    const local = createTableInput('x');
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: local.KeySchema,
      AttributeDefinitions: Match.arrayWith(local.AttributeDefinitions),
      GlobalSecondaryIndexes: local.GlobalSecondaryIndexes.map((g) => Match.objectLike({ IndexName: g.IndexName, KeySchema: g.KeySchema })),
    });
  });

  it('streams new and old images, expires items by TTL, and keeps point-in-time recovery and encryption on', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
    });
  });

  it('retains the table when the stack is deleted and names it with no hard-coded name', () => {
    const tables = template.findResources('AWS::DynamoDB::GlobalTable');
    const [table] = Object.values(tables);
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.Properties.TableName).toBeUndefined();
  });
});
