/**
 * Gives the needs, experts, technologies and projects written before search their term items (see
 * searchBackfill.ts): scans the table for main items without `searchTerms`, page by page.
 * Run: `TABLE_NAME=… [DYNAMODB_ENDPOINT=http://localhost:8000] npm run backfill:search`. Safe to run again.
 */
import { randomBytes } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/lib/data/client.js';
import { Store } from '../../functions/lib/data/store.js';
import { CursorCodec } from '../../functions/lib/data/pagination.js';
import { backfillSearchTerms } from './searchBackfill.js';

const tableName = process.env.TABLE_NAME;
if (!tableName) throw new Error('Set TABLE_NAME (and DYNAMODB_ENDPOINT for DynamoDB Local)');
const db = createDocumentClient({ tableName, ...(process.env.DYNAMODB_ENDPOINT && { endpoint: process.env.DYNAMODB_ENDPOINT }) });
// Only versioned updates are sent: no cursor is issued, so a throwaway secret will do.
const store = new Store(db, tableName, new CursorCodec(randomBytes(16).toString('hex')));
const total: Record<string, number> = {};
let startKey: Record<string, unknown> | undefined;
do {
  const page = await db.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, FilterExpression: 'attribute_not_exists(searchTerms)' }));
  const written = await backfillSearchTerms(store, page.Items ?? [], new Date().toISOString());
  for (const [type, n] of Object.entries(written)) total[type] = (total[type] ?? 0) + n;
  startKey = page.LastEvaluatedKey;
} while (startKey);
console.log(`search terms written: ${JSON.stringify(total)}`);
