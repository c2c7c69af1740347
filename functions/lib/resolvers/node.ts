import type { Resolvers, ResolversInterfaceTypes, ResolversTypes } from '../generated/graphql.js';
import type { Context } from '../context.js';
import type { EntityNodeType, NodeRef, NodeType } from '../domain/nodeIds.js';
import { getRegion } from '../regions/index.js';
import { domainTerm } from '../vocabulary.js';

type NodeModel = ResolversInterfaceTypes<ResolversTypes>['Node'];
/** The reference of one Node type. */
type RefOf<T extends NodeType> = T extends EntityNodeType ? { type: T; id: string } : Extract<NodeRef, { type: T }>;

/** The type each object returned by `node`/`nodes` was read as (records carry no type name of their own). */
const typeOf = new WeakMap<object, NodeType>();

/**
 * The read of each Node type: exactly the service method its root query calls (`need(id:)` → needOrders.need,
 * …), so `node` refuses what that query refuses. Types without a root query by id use the rule of the field
 * that lists them (a nomination: `nominations`; a plan: `Organization.plan`).
 */
const readers: { [T in NodeType]: (ref: RefOf<T>, ctx: Context) => Promise<NodeModel | null> | NodeModel | null } = {
  Organization: (r, ctx) => ctx.services.organizations.get(r.id),
  Team: (r, ctx) => ctx.services.teams.get(r.id),
  Expert: (r, ctx) => ctx.services.experts.get(r.id),
  Need: (r, ctx) => ctx.services.needOrders.need(r.id),
  Activity: (r, ctx) => ctx.services.activities.activity(r.id),
  Technology: (r, ctx) => ctx.services.pools.technology(r.id),
  Project: (r, ctx) => ctx.services.pools.project(r.id),
  Pairing: (r, ctx) => ctx.services.pools.pairing(r.id),
  Workstation: (r, ctx) => ctx.services.workstations.workstation(r.id),
  Campaign: (r, ctx) => ctx.services.governance.campaign(r.id),
  Nomination: (r, ctx) => ctx.services.recognition.nomination(r.id),
  Partner: (r, ctx) => ctx.services.partners.get(r.id),
  Plan: (r, ctx) => ctx.services.governance.planOf(r.organizationId, r.campaignId),
  QuarterlyReport: (r, ctx) => ctx.services.governance.quarterlyReport(r.organizationId, r.quarter),
  Region: (r) => getRegion(r.code) ?? null,
  Domain: (r) => domainTerm(r.code),
};

async function read(ref: NodeRef | null, ctx: Context): Promise<NodeModel | null> {
  if (!ref) return null;
  const reader = readers[ref.type] as (ref: NodeRef, ctx: Context) => Promise<NodeModel | null> | NodeModel | null;
  const node = await reader(ref, ctx);
  if (node) typeOf.set(node, ref.type);
  return node;
}

/** Resolvers of node.graphql: global object identification (`node`, `nodes`). */
export const nodeResolvers: Resolvers = {
  Query: {
    node: async (_p, { id }, ctx) => read(await ctx.services.nodes.locate(id), ctx),
    nodes: async (_p, { ids }, ctx) => {
      const refs = await ctx.services.nodes.locateAll(ids);
      // One promise per item, not Promise.all: graphql-js awaits each, so a refused item is null with its own
      // error (path nodes.<i>) and the others stay. The generated type knows no list of promises.
      return refs.map((ref) => read(ref, ctx)) as unknown as Array<NodeModel | null>;
    },
  },
  Node: {
    __resolveType: (node) => typeOf.get(node) ?? null,
  },
};
