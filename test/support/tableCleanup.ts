import { afterAll } from 'vitest';
import { deleteCreatedTables } from './testApp.js';

// After each integration test file: drop the tables it created from the run's one DynamoDB Local.
afterAll(deleteCreatedTables);
