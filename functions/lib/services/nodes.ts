import type { ServiceContext } from './context.js';
import { badInput } from '../errors.js';
import { ENTITY_TYPE_NAMES, type EntityType } from '../data/keys.js';
import { parseCompositeNodeId, type EntityNodeType, type NodeRef } from '../domain/nodeIds.js';
import { getRegion } from '../regions/index.js';
import { isDomain } from '../vocabulary.js';

/** The most ids one `nodes` call resolves. */
export const MAX_NODE_IDS = 100;

/** The GraphQL type of each entity type: every entity of keys.ts is a Node. */
const NODE_TYPE_OF = ENTITY_TYPE_NAMES satisfies Record<EntityType, EntityNodeType>;
const ENTITY_TYPES = Object.keys(NODE_TYPE_OF) as Array<keyof typeof NODE_TYPE_OF>;

/**
 * Global object identification: where a Node id points. It decides only the type; reading the object is left to
 * the type's own read (the same service method as its root query), so `node` applies exactly that query's policy.
 */
export class NodeService {
  constructor(protected readonly ctx: ServiceContext) {}

  /** Where an id points, or null when nothing has it. */
  async locate(id: string): Promise<NodeRef | null> {
    const [ref] = await this.locateAll([id]);
    return ref ?? null;
  }

  /** Where each id points (null where nothing has it), in order; at most 100 ids (BAD_USER_INPUT on `ids`). */
  async locateAll(ids: readonly string[]): Promise<Array<NodeRef | null>> {
    if (ids.length > MAX_NODE_IDS) throw badInput('ids', `At most ${MAX_NODE_IDS} ids`);
    const refs = ids.map(staticRef);
    const unresolved = ids.filter((_id, i) => refs[i] === undefined);
    const types = await this.ctx.repos.nodes.entityTypesOf(unresolved, ENTITY_TYPES);
    let next = 0;
    return refs.map((ref, i) => {
      if (ref !== undefined) return ref;
      const type = types[next++];
      return type ? { type: NODE_TYPE_OF[type], id: ids[i] as string } : null;
    });
  }
}

/** A region or domain code or a composite id, known without a read (null: not a node); undefined: look it up. */
function staticRef(id: string): NodeRef | null | undefined {
  if (!id.trim()) return null;
  if (getRegion(id)) return { type: 'Region', code: id };
  if (isDomain(id)) return { type: 'Domain', code: id };
  if (id.includes(':')) return parseCompositeNodeId(id);
  return undefined;
}
