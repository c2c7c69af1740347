import { describe, expect, it } from 'vitest';
import { buildSchema } from 'graphql';
import { executableSchema } from '../../functions/lib/schema.js';
import { checkContract, describeReport, printContract, readContractFiles, unreleasedSection } from '../../infra/contract/schemaContract.js';

describe('Contract: the public schema', () => {
  it('matches the committed snapshot, and CHANGELOG.md lists every breaking change since the released contract', async () => {
    const report = await checkContract({ built: executableSchema(), ...readContractFiles() });
    expect(describeReport(report)).toBe('');
  });
});

describe('Function: checkContract', () => {
  // A copy of the committed contract, released and snapshotted, then one field removed from the built schema.
  const { snapshot } = readContractFiles();
  const released = snapshot;
  const withoutField = buildSchema(snapshot.replace(/^ {2}dueDate: Date!\n/m, ''));
  const removedPath = 'QuarterlyReport.dueDate';
  const changelog = (entries: string) =>
    `# Changelog\n\n## [Unreleased]\n\n### Removed\n${entries}\n## [1.0.0] - 2026-01-01\n\n- \`${removedPath}\` (an older release)\n`;

  it('holds for an unchanged schema', async () => {
    const report = await checkContract({ built: buildSchema(snapshot), snapshot, released, changelog: changelog('') });
    expect(report).toEqual({ snapshotStale: false, unsnapshotted: [], unlisted: [] });
  });

  it('fails when a field is removed and the snapshot is not updated', async () => {
    const report = await checkContract({ built: withoutField, snapshot, released, changelog: changelog(`- \`${removedPath}\` removed\n`) });
    expect(report.snapshotStale).toBe(true);
    expect(report.unsnapshotted).toEqual([expect.objectContaining({ level: 'BREAKING', path: removedPath })]);
    expect(describeReport(report)).toContain('npm run schema:snapshot');
  });

  it('fails when the snapshot is updated but CHANGELOG.md does not list the removal under Unreleased (an older release does not count)', async () => {
    const report = await checkContract({ built: withoutField, snapshot: printContract(withoutField), released, changelog: changelog('') });
    expect(report.snapshotStale).toBe(false);
    expect(report.unlisted).toEqual([expect.objectContaining({ level: 'BREAKING', path: removedPath, message: expect.stringContaining('removed') })]);
    expect(describeReport(report)).toContain(`\`${removedPath}\``);
  });

  it('passes once the snapshot is updated and CHANGELOG.md lists the removal under Unreleased', async () => {
    const report = await checkContract({
      built: withoutField,
      snapshot: printContract(withoutField),
      released,
      changelog: changelog(`- \`${removedPath}\`: use the campaign's dates instead\n`),
    });
    expect(report).toEqual({ snapshotStale: false, unsnapshotted: [], unlisted: [] });
  });

  it('asks only for the snapshot when a change is safe (a new field)', async () => {
    const added = buildSchema(snapshot.replace(/^ {2}dueDate: Date!\n/m, '  dueDate: Date!\n  note: String\n'));
    const stale = await checkContract({ built: added, snapshot, released, changelog: changelog('') });
    expect(stale.unsnapshotted).toEqual([expect.objectContaining({ level: 'NON_BREAKING', path: 'QuarterlyReport.note' })]);
    expect(stale.unlisted).toEqual([]);
    expect(await checkContract({ built: added, snapshot: printContract(added), released, changelog: changelog('') })).toEqual({
      snapshotStale: false,
      unsnapshotted: [],
      unlisted: [],
    });
  });
});

describe('Function: unreleasedSection', () => {
  it('is the text between ## [Unreleased] and the next version heading', () => {
    expect(unreleasedSection('# Changelog\n\n## [Unreleased]\n\n- a\n\n## [1.0.0]\n\n- b\n')).toBe('## [Unreleased]\n\n- a\n\n');
    expect(unreleasedSection('# Changelog\n\n## [1.0.0]\n- b\n')).toBe('');
  });
});
