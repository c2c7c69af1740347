/**
 * `npm start`: runs the local runner (infra/local/start.ts) bundled, in this process (infra/local/bundled.js). Node then
 * loads the packages itself, and DynamoDB Local's JVM, starting meanwhile on the same cores, is ready sooner than when
 * tsx's loader compiled the runner's modules (docs/performance.md, row 10). Arguments and environment are the runner's
 * (`npm start -- --data-dir DIR`).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBundled } from './bundled.js';

await runBundled(join(dirname(fileURLToPath(import.meta.url)), 'start.ts'));
