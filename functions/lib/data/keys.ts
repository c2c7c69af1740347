/**
 * Every key shape of the table, and nothing else builds a key string.
 *
 * Entity items:   PK = <TYPE>#<id>, SK = #<TYPE>
 * Guard items:    PK = UNIQUE#<what>#<value>, SK = #UNIQUE  (uniqueness, written in the same transaction)
 * Member items:   PK = TEAM#<teamId>, SK = MEMBER#<expertId>; GSI1PK = EXPERT#<expertId>, GSI1SK = TEAM#<teamId>
 * Index items:    PK = IX#<entity>#<dim>=<value>#…, SK = <regionCode>#<id>
 *   One index item per combination of an entity's filter dimensions (present dimensions in a fixed
 *   order), so every filter combination is one Query on one partition, and a region filter is a
 *   `begins_with` on the sort key: GB/T 2260 codes are prefixes of their descendants' codes
 *   ("4401" → "440103" → "440103001"). Pages are never short because nothing is filtered after the read.
 */

export interface Key {
  PK: string;
  SK: string;
}

export type EntityType = 'ORG' | 'TEAM' | 'EXPERT';

/** The main item of an entity. */
export const entityKey = (type: EntityType, id: string): Key => ({ PK: `${type}#${id}`, SK: `#${type}` });

/** A uniqueness guard: e.g. one association per region, one expert per phone number or user. */
export type GuardKind = 'ASSOCIATION_REGION' | 'EXPERT_PHONE' | 'EXPERT_USER';
export const guardKey = (kind: GuardKind, value: string): Key => ({ PK: `UNIQUE#${kind}#${value}`, SK: '#UNIQUE' });

/** Team membership, in the team's partition; GSI1 lists an expert's teams. */
export const memberKey = (teamId: string, expertId: string): Key => ({ PK: `TEAM#${teamId}`, SK: `MEMBER#${expertId}` });
export const memberPrefix = (teamId: string) => ({ PK: `TEAM#${teamId}`, SKPrefix: 'MEMBER#' });
export const memberGsi1 = (teamId: string, expertId: string) => ({ GSI1PK: `EXPERT#${expertId}`, GSI1SK: `TEAM#${teamId}` });
export const expertTeamsGsi1 = (expertId: string) => ({ GSI1PK: `EXPERT#${expertId}`, GSI1SKPrefix: 'TEAM#' });

/** Filter dimensions per entity, in the order they appear in index keys. */
export const indexDimensions = {
  ORG: ['kind', 'level', 'parent'],
  TEAM: ['org', 'parent'],
  EXPERT: ['domain', 'origin', 'title'],
} as const satisfies Record<EntityType, readonly string[]>;

export type Dimensions<T extends EntityType> = Partial<Record<(typeof indexDimensions)[T][number], string>>;

const SEP = '#';
const encodeValue = (v: string) => v.replaceAll('%', '%25').replaceAll(SEP, '%23').replaceAll('=', '%3D');

/** The index partition for one filter combination (only the dimensions that are set). */
export function indexPartition<T extends EntityType>(type: T, filter: Dimensions<T>): string {
  const parts: string[] = [`IX${SEP}${type}`];
  for (const dim of indexDimensions[type]) {
    const value = (filter as Record<string, string | undefined>)[dim];
    if (value !== undefined) parts.push(`${dim}=${encodeValue(value)}`);
  }
  return parts.join(SEP);
}

/** Index sort key: region first (subtree = prefix), then the id for a stable, unique order. */
export const indexSortKey = (regionCode: string, id: string): string => `${regionCode}${SEP}${id}`;

/**
 * All index keys an entity is listed under: one per subset of its dimension values. A dimension may
 * hold several values (an expert's domains); each value gets its own subsets.
 */
export function indexKeysFor<T extends EntityType>(
  type: T,
  values: Partial<Record<(typeof indexDimensions)[T][number], string | readonly string[] | undefined>>,
  regionCode: string,
  id: string,
): Key[] {
  let combos: Array<Record<string, string>> = [{}];
  for (const dim of indexDimensions[type]) {
    const raw = (values as Record<string, string | readonly string[] | undefined>)[dim];
    const options = raw === undefined ? [] : typeof raw === 'string' ? [raw] : [...new Set(raw)];
    combos = combos.flatMap((c) => [c, ...options.map((o) => ({ ...c, [dim]: o }))]);
  }
  const sk = indexSortKey(regionCode, id);
  return combos.map((c) => ({ PK: indexPartition(type, c as Dimensions<T>), SK: sk }));
}
