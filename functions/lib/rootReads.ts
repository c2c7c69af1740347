import { Kind, OperationTypeNode, parse } from './graphqlRuntime.js';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { ENTITY_TYPE_NAMES, entityKey, type EntityType, type Key } from './data/keys.js';
import { MAX_ID_LENGTH, parseOptions } from './validation.js';

/**
 * The root query fields that answer one entity by its `id` through the request's loader (`node` may be any entity
 * type: its id is looked up under every type's key, as NodeRepository does).
 */
const ROOT_ENTITY_FIELDS: ReadonlyMap<string, readonly EntityType[]> = new Map(
  Object.entries({
    organization: ['ORG'],
    team: ['TEAM'],
    expert: ['EXPERT'],
    need: ['NEED'],
    activity: ['ACTIVITY'],
    technology: ['TECH'],
    project: ['PROJECT'],
    pairing: ['PAIRING'],
    workstation: ['WORKSTATION'],
    partner: ['PARTNER'],
    node: Object.keys(ENTITY_TYPE_NAMES) as EntityType[],
  }),
);

/** At most this many keys are read ahead: one BatchGetItem with the access record. */
const MAX_KEYS = 50;

interface RequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** A root field that names an entity by id: the key types it may be under, and its id (a literal) or the variable holding it. */
interface RootRead {
  types: readonly EntityType[];
  id?: string;
  variable?: string;
}

/** Plans by operation name and document, so a client's repeated operation is parsed once here (Apollo keeps its own cache). */
const plans = new LRUCache<string, readonly RootRead[]>({ max: 500 });

/**
 * The keys of the entities a query operation starts from: the main items its root fields `organization(id:)`,
 * `need(id:)`, `node(id:)`… name by a literal or a variable. The context reads them in the same consistent
 * BatchGetItem as the caller's access record, so an operation that starts from an entity by id costs no round trip of
 * its own before its resolvers run. Only a hint: anything it cannot read (no body, not JSON, a document that does not
 * parse or is over the token limit, a mutation, an id that is not a string or is too long) gives fewer keys, and
 * Apollo reports the request's errors as before; the resolvers authorize what they return exactly as without it.
 */
export function rootEntityKeys(body: string | null | undefined): Key[] {
  if (!body) return [];
  let request: RequestBody;
  try {
    request = JSON.parse(body) as RequestBody;
  } catch {
    return [];
  }
  if (typeof request?.query !== 'string') return [];
  const operationName = typeof request.operationName === 'string' ? request.operationName : undefined;
  const cacheKey = `${operationName ?? ''}\u0000${request.query}`;
  let plan = plans.get(cacheKey);
  if (!plan) {
    plan = planOf(request.query, operationName);
    plans.set(cacheKey, plan);
  }
  const variables = typeof request.variables === 'object' && request.variables !== null ? (request.variables as Record<string, unknown>) : {};
  const keys: Key[] = [];
  for (const read of plan) {
    const id = read.id ?? (read.variable !== undefined ? variables[read.variable] : undefined);
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) continue;
    keys.push(...read.types.map((type) => entityKey(type, id)));
  }
  return keys.slice(0, MAX_KEYS);
}

/** The root reads of the operation Apollo will run (none for a document that does not parse, or a mutation or subscription). */
function planOf(query: string, operationName: string | undefined): readonly RootRead[] {
  let document: DocumentNode;
  try {
    document = parse(query, { ...parseOptions, noLocation: true });
  } catch {
    return [];
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  // The one named `operationName`, or the only one.
  const operation =
    operationName === undefined ? (operations.length === 1 ? operations[0] : undefined) : operations.find((o) => o.name?.value === operationName);
  if (operation?.operation !== OperationTypeNode.QUERY) return [];
  const reads: RootRead[] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const types = ROOT_ENTITY_FIELDS.get(selection.name.value);
    const value = selection.arguments?.find((a) => a.name.value === 'id')?.value;
    if (!types || !value) continue;
    if (value.kind === Kind.STRING) reads.push({ types, id: value.value });
    else if (value.kind === Kind.VARIABLE) reads.push({ types, variable: value.name.value });
  }
  return reads;
}
