import { afterAll, inject } from 'vitest';
import { askPool } from './dynamoPool.js';

// Runs before each integration test file is imported: the file gets a DynamoDB Local of its own, stopped after it.
const endpoint = await askPool(inject('ddbPool'), 'acquire');

afterAll(() => askPool(inject('ddbPool'), 'release', endpoint));

/** This test file's DynamoDB Local. */
export function dynamoEndpoint(): string {
  return endpoint;
}
