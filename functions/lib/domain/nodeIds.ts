import { parseQuarter } from './service.js';

/** The GraphQL types whose objects are stored as entities under their own id (keys.ts entity key shapes). */
export type EntityNodeType =
  'Organization' | 'Team' | 'Expert' | 'Need' | 'Activity' | 'Technology' | 'Project' | 'Pairing' | 'Workstation' | 'Campaign' | 'Nomination' | 'Partner';

/** Where a Node id points: an entity by id, a plan or a quarterly report by its parts, a region or a domain by code. */
export type NodeRef =
  | { type: EntityNodeType; id: string }
  | { type: 'Plan'; campaignId: string; organizationId: string }
  | { type: 'QuarterlyReport'; organizationId: string; quarter: string }
  | { type: 'Region'; code: string }
  | { type: 'Domain'; code: string };

/** The GraphQL type names of every Node. */
export type NodeType = NodeRef['type'];

const PLAN = 'Plan';
const REPORT = 'QuarterlyReport';
const SEP = ':';

/** The id of an organization's plan for a campaign: plans have no id of their own, so it is made of their key's parts. */
export const planNodeId = (campaignId: string, organizationId: string): string => [PLAN, campaignId, organizationId].join(SEP);

/** The id of an organization's quarterly report. */
export const quarterlyReportNodeId = (organizationId: string, quarter: string): string => [REPORT, organizationId, quarter].join(SEP);

/**
 * The plan or quarterly report a composite id names, or null for any other id (entity ids are UUIDs and hold
 * no `:`). A malformed composite id (wrong part count, not a quarter) is null: no such node.
 */
export function parseCompositeNodeId(id: string): NodeRef | null {
  const [type, ...parts] = id.split(SEP);
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  const [a, b] = parts as [string, string];
  if (type === PLAN) return { type: 'Plan', campaignId: a, organizationId: b };
  if (type === REPORT && parseQuarter(b)) return { type: 'QuarterlyReport', organizationId: a, quarter: b };
  return null;
}
