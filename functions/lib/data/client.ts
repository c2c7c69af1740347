import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DbConfig {
  tableName: string;
  /** Set for DynamoDB Local; absent on AWS. */
  endpoint?: string;
  region?: string;
}

/** The document client every repository uses (built once per cold start). */
export function createDocumentClient(config: DbConfig): DynamoDBDocumentClient {
  const local = config.endpoint !== undefined;
  const client = new DynamoDBClient({
    region: config.region ?? process.env.AWS_REGION ?? 'ap-east-1',
    ...(local && {
      endpoint: config.endpoint,
      // DynamoDB Local accepts any credentials made of letters and digits.
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
