import { DeleteTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { localClient } from '../../infra/local/dynamoLocal.js';
import { tableDefinition } from '../../functions/lib/data/table.js';

/** Deletes a benchmark's table, so the rows after it do not run against a bloated DynamoDB Local. */
export async function deleteTable(endpoint: string, tableName: string): Promise<void> {
  const client = localClient(endpoint);
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } finally {
    client.destroy();
  }
}

/**
 * Turns the table's stream off (`false`) or on again with a new, empty stream (`true`): background data written in
 * bulk in between leaves no records for a stream poller to wade through (on AWS the mapping starts at LATEST).
 */
export async function setStream(endpoint: string, tableName: string, enabled: boolean): Promise<void> {
  const client = localClient(endpoint);
  try {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: enabled ? { StreamEnabled: true, StreamViewType: tableDefinition.stream } : { StreamEnabled: false },
      }),
    );
  } finally {
    client.destroy();
  }
}
