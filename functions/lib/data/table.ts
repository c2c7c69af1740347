/** The one global secondary index: reverse lookups (an expert's teams, inbox and service record; subscribers by target). */
export const GSI1 = 'GSI1';

/**
 * The single table's definition: the one source for the local table creation and the CDK table.
 * Base keys are overloaded (`PK`, `SK`); GSI1 serves reverse lookups (e.g. an expert's teams).
 * List-by-filter access patterns use index items in the base table (see keys.ts), so they read
 * with strong consistency and need no extra index per filter combination.
 */
export const tableDefinition = {
  partitionKey: 'PK',
  sortKey: 'SK',
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
  globalSecondaryIndexes: [{ indexName: GSI1, partitionKey: `${GSI1}PK`, sortKey: `${GSI1}SK` }],
} as const;

export type IndexName = (typeof tableDefinition.globalSecondaryIndexes)[number]['indexName'];

/** The key attribute names of the table (no index) or of one of its indexes. */
export function keyAttributes(index?: IndexName): { partitionKey: string; sortKey: string } {
  if (!index) return { partitionKey: tableDefinition.partitionKey, sortKey: tableDefinition.sortKey };
  const gsi = tableDefinition.globalSecondaryIndexes.find((g) => g.indexName === index);
  if (!gsi) throw new Error(`unknown index ${index}`);
  return { partitionKey: gsi.partitionKey, sortKey: gsi.sortKey };
}

/** CreateTable input for DynamoDB Local and tests (on-demand billing; stream on). */
export function createTableInput(tableName: string) {
  const { partitionKey, sortKey, globalSecondaryIndexes } = tableDefinition;
  const attributeNames = [partitionKey, sortKey, ...globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey])];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: attributeNames.map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' as const },
      { AttributeName: sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: globalSecondaryIndexes.map((g) => ({
      IndexName: g.indexName,
      KeySchema: [
        { AttributeName: g.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: g.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: tableDefinition.stream },
  };
}
