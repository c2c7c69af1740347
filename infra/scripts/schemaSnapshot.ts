/**
 * Writes the public schema snapshot (test/contract/schema.graphql) from the built executable schema, and lists
 * the breaking changes since the released contract that CHANGELOG.md's Unreleased section must name.
 *
 *   npm run schema:snapshot               update the snapshot (every SDL change)
 *   npm run schema:snapshot -- --release  also make it the released contract (when Unreleased becomes a version)
 */
import { writeFileSync } from 'node:fs';
import { executableSchema } from '../../functions/lib/schema.js';
import { RELEASED_PATH, SNAPSHOT_PATH, checkContract, describeReport, printContract, readContractFiles } from '../contract/schemaContract.js';

const built = executableSchema();
const printed = printContract(built);
writeFileSync(SNAPSHOT_PATH, printed);
if (process.argv.includes('--release')) writeFileSync(RELEASED_PATH, printed);
console.log(`Wrote ${SNAPSHOT_PATH}${process.argv.includes('--release') ? ` and ${RELEASED_PATH}` : ''}`);

const report = await checkContract({ built, ...readContractFiles() });
const problems = describeReport(report);
if (problems) {
  console.log(problems);
  process.exitCode = 1;
}
