import { describe, expect, it } from 'vitest';
import { parseCompositeNodeId, planNodeId, quarterlyReportNodeId } from '../../functions/lib/domain/nodeIds.js';

describe('Function: planNodeId / quarterlyReportNodeId', () => {
  it('makes ids that parse back into their parts', () => {
    expect(parseCompositeNodeId(planNodeId('c1', 'o1'))).toEqual({ type: 'Plan', campaignId: 'c1', organizationId: 'o1' });
    expect(parseCompositeNodeId(quarterlyReportNodeId('o1', '2026Q4'))).toEqual({ type: 'QuarterlyReport', organizationId: 'o1', quarter: '2026Q4' });
  });
});

describe('Function: parseCompositeNodeId', () => {
  it.each([
    ['an entity id (a UUID)', '3f1c9a52-8d7e-4b1a-9c55-0e2f7d6a1b23'],
    ['an unknown type', 'Team:a:b'],
    ['a missing part', 'Plan:c1'],
    ['an extra part', 'Plan:c1:o1:x'],
    ['an empty part', 'Plan::o1'],
    ['a report of no quarter', 'QuarterlyReport:o1:2026Q5'],
  ])('refuses %s (null: no such node)', (_name, id) => {
    expect(parseCompositeNodeId(id)).toBeNull();
  });
});
