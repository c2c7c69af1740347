/**
 * Every key shape of the table, and nothing else builds a key string.
 *
 * Entity items:   PK = <TYPE>#<id>, SK = #<TYPE>
 * Guard items:    PK = UNIQUE#<what>#<value>, SK = #UNIQUE  (uniqueness, written in the same transaction)
 * Member items:   PK = TEAM#<teamId>, SK = MEMBER#<expertId>; GSI1PK = EXPERT#<expertId>, GSI1SK = TEAM#<teamId>
 * Requests:       PK = TEAM#<teamId>, SK = REQUEST#<expertId>; GSI1PK = EXPERT#<expertId>, GSI1SK = REQUEST#<teamId> (pending joins)
 * Index items:    PK = IX#<entity>#<dim>=<value>#…, SK = <regionCode>#<id>
 *   One index item per combination of an entity's filter dimensions (present dimensions in a fixed
 *   order), so every filter combination is one Query on one partition, and a region filter is a
 *   `begins_with` on the sort key: GB/T 2260 codes are prefixes of their descendants' codes
 *   ("4401" → "440103" → "440103001"). Pages are never short because nothing is filtered after the read.
 * Term items:     PK = IX#TERM#<term>, SK = <regionCode>#<TYPE>#<id>
 *   One per search term of a need, expert, technology or project (at most MAX_TERMS_PER_ENTITY), written and moved
 *   with the entity in its transactions; a region subtree is a `begins_with` on the sort key, as for index items.
 */

export { GSI1 } from './table.js';

export interface Key {
  PK: string;
  SK: string;
}

/** The sort key of an entity's main item (`#NEED`): it tells the main item from its index items and the other items of its partition. */
export const mainSortKey = (type: EntityType): string => `#${type}`;

/** The main item of an entity. */
export const entityKey = (type: EntityType, id: string): Key => ({ PK: `${type}#${id}`, SK: mainSortKey(type) });

/** A uniqueness guard: e.g. one association per region, one expert per phone number or user. */
export type GuardKind = 'ASSOCIATION_REGION' | 'EXPERT_PHONE' | 'EXPERT_USER' | 'WEBHOOK_DELIVERY';
export const guardKey = (kind: GuardKind, value: string): Key => ({ PK: `UNIQUE#${kind}#${value}`, SK: '#UNIQUE' });

/** Team membership, in the team's partition; GSI1 lists an expert's teams. */
export const memberKey = (teamId: string, expertId: string): Key => ({ PK: `TEAM#${teamId}`, SK: `MEMBER#${expertId}` });
export const memberPrefix = (teamId: string) => ({ PK: `TEAM#${teamId}`, SKPrefix: 'MEMBER#' });
export const memberGsi1 = (teamId: string, expertId: string) => ({ GSI1PK: `EXPERT#${expertId}`, GSI1SK: `TEAM#${teamId}` });
export const expertTeamsGsi1 = (expertId: string) => ({ GSI1PK: `EXPERT#${expertId}`, GSI1SKPrefix: 'TEAM#' });
/**
 * A pending invitation or application (not yet a membership), in the team's partition; GSI1 lists an expert's
 * pending ones. A separate sort-key prefix, so listing members never sees them.
 */
export const membershipRequestKey = (teamId: string, expertId: string): Key => ({ PK: `TEAM#${teamId}`, SK: `REQUEST#${expertId}` });
export const membershipRequestPrefix = (teamId: string) => ({ PK: `TEAM#${teamId}`, SKPrefix: 'REQUEST#' });
export const membershipRequestGsi1 = (teamId: string, expertId: string) => ({ GSI1PK: `EXPERT#${expertId}`, GSI1SK: `REQUEST#${teamId}` });
export const expertRequestsGsi1 = (expertId: string) => ({ GSI1PK: `EXPERT#${expertId}`, GSI1SKPrefix: 'REQUEST#' });

export type EntityType =
  'ORG' | 'TEAM' | 'EXPERT' | 'NEED' | 'TECH' | 'PROJECT' | 'PAIRING' | 'ACTIVITY' | 'WORKSTATION' | 'NOMINATION' | 'CAMPAIGN' | 'PARTNER';

/** The GraphQL type name of each entity type (error messages name it; `node(id:)` answers with it). */
export const ENTITY_TYPE_NAMES = {
  ORG: 'Organization',
  TEAM: 'Team',
  EXPERT: 'Expert',
  NEED: 'Need',
  TECH: 'Technology',
  PROJECT: 'Project',
  PAIRING: 'Pairing',
  ACTIVITY: 'Activity',
  WORKSTATION: 'Workstation',
  NOMINATION: 'Nomination',
  CAMPAIGN: 'Campaign',
  PARTNER: 'Partner',
} as const satisfies Record<EntityType, string>;

/**
 * The `entity` attribute of every kind of item. A main item and its index items carry their entity type
 * (an index item of a need says `NEED` too: only the sort key tells them apart, see `isMainItem`).
 */
export const Entity = {
  ORG: 'ORG',
  TEAM: 'TEAM',
  EXPERT: 'EXPERT',
  NEED: 'NEED',
  TECH: 'TECH',
  PROJECT: 'PROJECT',
  PAIRING: 'PAIRING',
  ACTIVITY: 'ACTIVITY',
  WORKSTATION: 'WORKSTATION',
  NOMINATION: 'NOMINATION',
  CAMPAIGN: 'CAMPAIGN',
  PARTNER: 'PARTNER',
  MEMBER: 'MEMBER',
  MEMBERSHIP_REQUEST: 'MEMBERSHIP_REQUEST',
  NEED_EVENT: 'NEED_EVENT',
  NEED_MATCH: 'NEED_MATCH',
  NEED_TOP_MATCHES: 'NEED_TOP_MATCHES',
  PAIRING_FOLLOWUP: 'PAIRING_FOLLOWUP',
  PARTICIPATION: 'PARTICIPATION',
  PLAN: 'PLAN',
  REPORT: 'REPORT',
  ACCESS: 'ACCESS',
  CONNECTION: 'CONNECTION',
  SUBSCRIPTION: 'SUBSCRIPTION',
  DELIVERY: 'DELIVERY',
  IDEMPOTENCY: 'IDEMPOTENCY',
  PERSONAL_DATA_READ: 'PERSONAL_DATA_READ',
  QUOTA: 'QUOTA',
  PARTNER_EXPERT: 'PARTNER_EXPERT',
  PARTNER_MATCH: 'PARTNER_MATCH',
  WEBHOOK: 'WEBHOOK',
  WEBHOOK_DELIVERY: 'WEBHOOK_DELIVERY',
} as const satisfies { [T in EntityType]: T } & Record<string, string>;
export type EntityMarker = (typeof Entity)[keyof typeof Entity];

/** True for the main item of an entity of this type (as read from the table or a stream image), not one of its index items. */
export const isMainItem = (type: EntityType, item: Record<string, unknown> | undefined): boolean =>
  item?.SK === mainSortKey(type) && item.entity === Entity[type];

/** Filter dimensions per entity, in the order they appear in index keys. */
export const indexDimensions = {
  ORG: ['kind', 'level', 'parent', 'ancestor'],
  TEAM: ['org', 'parent'],
  EXPERT: ['domain', 'origin', 'title'],
  NEED: ['region', 'org', 'requester', 'kind', 'domain', 'status'],
  TECH: ['domain', 'maturity'],
  PROJECT: ['org', 'action', 'status'],
  PAIRING: ['org'],
  ACTIVITY: ['region', 'org', 'action', 'workstation'],
  WORKSTATION: ['kind'],
  NOMINATION: ['org', 'category', 'status'],
  CAMPAIGN: [],
  PARTNER: [],
} as const satisfies Record<EntityType, readonly string[]>;

/**
 * Index families: an entity is listed under every subset of each family's dimensions, so any filter
 * whose dimensions fall inside one family is a single Query. Needs index their region lineage as a
 * dimension (their sort key is time, newest first), so a region subtree is a partition, not a prefix.
 */
export const indexFamilies: { [T in EntityType]: ReadonlyArray<ReadonlyArray<(typeof indexDimensions)[T][number]>> } = {
  // `ancestor` lists an organization's whole subtree (plans and reports not yet filed).
  ORG: [['kind', 'level', 'parent'], ['ancestor']],
  TEAM: [],
  EXPERT: [['domain', 'origin', 'title']],
  NEED: [
    ['region', 'status', 'kind'],
    ['region', 'status', 'domain'],
    ['org', 'status'],
    ['requester', 'status'],
  ],
  TECH: [['domain', 'maturity']],
  PROJECT: [['org', 'action', 'status']],
  PAIRING: [['org']],
  // Activities are time-ordered (sort key = start time): region and organization subtrees are dimensions.
  ACTIVITY: [['region', 'action'], ['org', 'action'], ['workstation']],
  WORKSTATION: [['kind']],
  NOMINATION: [['org', 'category', 'status']],
  // One partition of all campaigns (no dimensions), sorted by start date.
  CAMPAIGN: [[]],
  // One partition of all partner platforms (a handful), sorted by id.
  PARTNER: [[]],
};

export type Dimension<T extends EntityType> = (typeof indexDimensions)[T][number];
export type Dimensions<T extends EntityType> = Partial<Record<Dimension<T>, string>>;
/** Values of an entity's dimensions; a dimension may hold several (an expert's domains, a need's region lineage). */
export type DimensionValues<T extends EntityType> = Partial<Record<Dimension<T>, string | readonly string[] | null | undefined>>;

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

/** True when one Query serves a filter on exactly these dimensions. */
export function isKeyServed<T extends EntityType>(type: T, dims: ReadonlyArray<Dimension<T>>): boolean {
  return dims.length === 0 || indexFamilies[type].some((family) => dims.every((d) => family.includes(d)));
}

/** Index sort key of region-ordered lists: region first (subtree = prefix), then the id. */
export const indexSortKey = (regionCode: string, id: string): string => `${regionCode}${SEP}${id}`;

/** Index sort key of time-ordered lists (read backwards for newest first). */
export const timeSortKey = (isoTime: string, id: string): string => `${isoTime}${SEP}${id}`;

/**
 * All index keys an entity is listed under: for each family, one per subset of its dimension values
 * (a dimension with several values gives each value its own subsets); duplicates across families once.
 */
export function indexKeysFor<T extends EntityType>(type: T, values: DimensionValues<T>, sortKey: string): Key[] {
  const partitions = new Set<string>();
  for (const family of indexFamilies[type]) {
    let combos: Array<Record<string, string>> = [{}];
    for (const dim of family) {
      const raw = (values as Record<string, string | readonly string[] | null | undefined>)[dim];
      const options = raw === undefined || raw === null ? [] : typeof raw === 'string' ? [raw] : [...new Set(raw)];
      combos = combos.flatMap((c) => [c, ...options.map((o) => ({ ...c, [dim]: o }))]);
    }
    for (const c of combos) partitions.add(indexPartition(type, c as Dimensions<T>));
  }
  return [...partitions].map((PK) => ({ PK, SK: sortKey }));
}

/** The sort-key region of entities without a region of their own (found by searches without a region filter only). */
export const NO_REGION = '-';
const TERM_PREFIX = `IX${SEP}TERM${SEP}`;
/** The partition of a search term (see "Term items" above). */
export const termPartition = (term: string): string => `${TERM_PREFIX}${encodeValue(term)}`;
/** A term item of an entity: region first in the sort key, so a region subtree is one prefix. */
export const termKey = (term: string, regionCode: string | null, type: EntityType, id: string): Key => ({
  PK: termPartition(term),
  SK: `${regionCode ?? NO_REGION}${SEP}${type}${SEP}${id}`,
});
/** True for the key of a term item. */
export const isTermKey = (k: Key): boolean => k.PK.startsWith(TERM_PREFIX);

/** Key of an item in a need's partition: its history, its stored matches. */
export const needHistoryKey = (needId: string, at: string, seq: number): Key => ({ PK: `NEED#${needId}`, SK: `HIST#${at}#${String(seq).padStart(3, '0')}` });
export const needHistoryPrefix = (needId: string) => ({ PK: `NEED#${needId}`, SKPrefix: 'HIST#' });
export const needMatchKey = (needId: string, rank: number): Key => ({ PK: `NEED#${needId}`, SK: `MATCH#${String(rank).padStart(3, '0')}` });
export const needMatchPrefix = (needId: string) => ({ PK: `NEED#${needId}`, SKPrefix: 'MATCH#' });
/**
 * A need's stored matches in one item, best first (a copy of its MATCH# items, kept with them): `Need.matches` of a page of
 * needs reads one key per need, so the page's matches are one BatchGetItem with the level's other reads. Its sort key is
 * outside the `MATCH#` prefix (a Query of the matches never sees it).
 */
export const needTopMatchesKey = (needId: string): Key => ({ PK: `NEED#${needId}`, SK: 'TOPMATCHES' });
/**
 * The table stream's event filter for the need processor (Lambda event filtering, same pattern syntax as
 * EventBridge): a need's main item as written, by its key (`SK` = `#NEED`) and its new image's entity.
 * A need's index items (~30 per need, `entity: NEED` too), its history and its matches do not pass, and
 * neither does a removal (no new image). functions/lib/streams/needStream.ts applies `isMainItem` to the same effect.
 */
export const needStreamFilter = {
  dynamodb: {
    Keys: { SK: { S: [mainSortKey('NEED')] } },
    NewImage: { entity: { S: [Entity.NEED] } },
  },
};
/** GSI1 keys of a stored match while its need is open: the expert's inbox, newest first. */
export const expertInboxGsi1 = (expertId: string, openedAt: string, needId: string) => ({
  GSI1PK: `EXPERT#${expertId}`,
  GSI1SK: `MATCH#${openedAt}#${needId}`,
});
export const expertInboxPrefix = (expertId: string) => ({ GSI1PK: `EXPERT#${expertId}`, GSI1SKPrefix: 'MATCH#' });
/**
 * GSI1 keys of a stored match once its need is no longer open: out of the inbox (another prefix) but still
 * listed under the expert, so the person's data export and account erasure find every match.
 */
export const expertPastMatchGsi1 = (expertId: string, needId: string) => ({ GSI1PK: `EXPERT#${expertId}`, GSI1SK: `PASTMATCH#${needId}` });
export const expertPastMatchPrefix = (expertId: string) => ({ GSI1PK: `EXPERT#${expertId}`, GSI1SKPrefix: 'PASTMATCH#' });
/** Key of a follow-up visit in a "6个1" pairing's partition: recording time, then a sequence number, so a Query lists them in order. */
export const pairingFollowUpKey = (pairingId: string, at: string, seq: number): Key => ({
  PK: `PAIRING#${pairingId}`,
  SK: `FOLLOWUP#${at}#${String(seq).padStart(4, '0')}`,
});
/** The Query prefix of all follow-ups of a pairing. */
export const pairingFollowUpPrefix = (pairingId: string) => ({ PK: `PAIRING#${pairingId}`, SKPrefix: 'FOLLOWUP#' });

/** A WebSocket connection (graphql-ws over API Gateway or the local runner), expiring by TTL. */
export const connectionKey = (connectionId: string): Key => ({ PK: `CONN#${connectionId}`, SK: '#CONN' });
/** A subscription lives in its connection's partition; GSI1 indexes it by whom it listens for. */
export const subscriptionKey = (connectionId: string, subscriptionId: string): Key => ({ PK: `CONN#${connectionId}`, SK: `SUB#${subscriptionId}` });
export type SubscriptionTarget =
  { kind: 'EXPERT'; expertId: string } | { kind: 'ORG'; organizationId: string } | { kind: 'PARTNER'; partnerId: string } | { kind: 'ALL' };
const targetValue = (t: SubscriptionTarget) =>
  t.kind === 'EXPERT' ? `EXPERT#${t.expertId}` : t.kind === 'ORG' ? `ORG#${t.organizationId}` : t.kind === 'PARTNER' ? `PARTNER#${t.partnerId}` : 'ALL';
export const subscriptionGsi1 = (target: SubscriptionTarget, connectionId: string, subscriptionId: string) => ({
  GSI1PK: `SUBTO#${targetValue(target)}`,
  GSI1SK: `${connectionId}#${subscriptionId}`,
});
/** The GSI1 partition of the subscriptions listening for a target (publishing reads only these). */
export const subscribersOf = (target: SubscriptionTarget) => `SUBTO#${targetValue(target)}`;
/**
 * The delivery claims of one need opening: one item whose string set `claimed` holds a short hash of each subscription
 * (connection id and subscription id) it was sent to, so a redelivered stream record sends nothing twice.
 */
export const deliveryClaimsKey = (needId: string, openedAt: string): Key => ({ PK: `DELIVERY#${needId}#${openedAt}`, SK: '#CLAIMS' });
/**
 * A partner platform's request counter for one fixed window (`windowStart`, epoch seconds), in the partner's partition;
 * it expires by TTL (`expiresAt`) soon after its window ends.
 */
export const partnerQuotaKey = (partnerId: string, windowStart: number): Key => ({ PK: `PARTNER#${partnerId}`, SK: `QUOTA#${windowStart}` });
/** A user's access record (disabled account, revoked roles), checked for every subscription delivery. */
export const userAccessKey = (userId: string): Key => ({ PK: `USER#${userId}`, SK: '#ACCESS' });

/** A participation in an activity (sign-up, check-in/out, hours), in the activity's partition; GSI1 is the volunteer's service record by date. */
export const participationKey = (activityId: string, expertId: string): Key => ({ PK: `ACTIVITY#${activityId}`, SK: `PART#${expertId}` });
export const participationPrefix = (activityId: string) => ({ PK: `ACTIVITY#${activityId}`, SKPrefix: 'PART#' });
export const serviceRecordGsi1 = (expertId: string, startAt: string, activityId: string) => ({
  GSI1PK: `EXPERT#${expertId}`,
  GSI1SK: `SERVICE#${startAt}#${activityId}`,
});
export const serviceRecordPrefix = (expertId: string) => ({ GSI1PK: `EXPERT#${expertId}`, GSI1SKPrefix: 'SERVICE#' });
/** Figures kept at write time: per organization, per quarter and action (or NEEDS), and all-time. */
export const statsKey = (organizationId: string, bucket: string): Key => ({ PK: `STATS#${organizationId}`, SK: bucket });
export const quarterBucket = (quarter: string, what: string) => `Q#${quarter}#${what}`;
export const ALL_TIME_BUCKET = 'ALL#TOTAL';
/** A submitted (frozen) quarterly report of an organization. */
export const reportKey = (organizationId: string, quarter: string): Key => ({ PK: `REPORT#${organizationId}`, SK: `Q#${quarter}` });
/** An organization's implementation plan for a campaign. */
export const planKey = (campaignId: string, organizationId: string): Key => ({ PK: `PLAN#${campaignId}`, SK: `ORG#${organizationId}` });

/**
 * An audit line of a read of an expert's unmasked personal data by someone else, in the expert's partition (so the
 * person's data export reads them in one Query); at most one per expert and request; expires by TTL (`expiresAt`).
 */
export const personalDataReadKey = (expertId: string, at: string, requestId: string): Key => ({ PK: `EXPERT#${expertId}`, SK: `READ#${at}#${requestId}` });
export const personalDataReadPrefix = (expertId: string) => ({ PK: `EXPERT#${expertId}`, SKPrefix: 'READ#' });

/** A mutation's idempotency record: one per caller and `Idempotency-Key`, in the caller's partition; it expires by TTL (`expiresAt`). */
export const idempotencyKey = (caller: string, key: string): Key => ({ PK: `IDEMPOTENCY#${caller}`, SK: `KEY#${key}` });
/** All idempotency records of one caller (erased with its account: they hold its responses). */
export const idempotencyPrefix = (caller: string) => ({ PK: `IDEMPOTENCY#${caller}`, SKPrefix: 'KEY#' });

/**
 * A partner platform's expert by its own id: the uniqueness guard of (partner, externalId), written with a condition in the
 * expert's creating transaction, holding the expert's id and the content hash of what the partner last synced. The
 * partition lists a partner's experts (by externalId).
 */
export const partnerExpertKey = (partnerId: string, externalId: string): Key => ({ PK: `PARTNER#${partnerId}`, SK: `EXTERNAL#${externalId}` });
export const partnerExpertPrefix = (partnerId: string) => ({ PK: `PARTNER#${partnerId}`, SKPrefix: 'EXTERNAL#' });
/**
 * A match of a partner's expert, in the expert's partition (so its removal finds them), indexed on GSI1 under the
 * partner while the need is open (the partner's matched needs, newest first) and under another prefix once it is not.
 */
export const partnerMatchKey = (expertId: string, needId: string): Key => ({ PK: `EXPERT#${expertId}`, SK: `PMATCH#${needId}` });
export const partnerMatchItemsPrefix = (expertId: string) => ({ PK: `EXPERT#${expertId}`, SKPrefix: 'PMATCH#' });
export const partnerMatchGsi1 = (partnerId: string, openedAt: string, needId: string, expertId: string) => ({
  GSI1PK: `PARTNER#${partnerId}`,
  GSI1SK: `MATCH#${openedAt}#${needId}#${expertId}`,
});
export const partnerPastMatchGsi1 = (partnerId: string, needId: string, expertId: string) => ({
  GSI1PK: `PARTNER#${partnerId}`,
  GSI1SK: `PASTMATCH#${needId}#${expertId}`,
});
export const partnerMatchesPrefix = (partnerId: string) => ({ GSI1PK: `PARTNER#${partnerId}`, GSI1SKPrefix: 'MATCH#' });
/** A partner platform's webhook, in the partner's webhook partition (a partner reads only its own by key). */
export const webhookKey = (partnerId: string, webhookId: string): Key => ({ PK: `WEBHOOKS#${partnerId}`, SK: `HOOK#${webhookId}` });
export const webhookPrefix = (partnerId: string) => ({ PK: `WEBHOOKS#${partnerId}`, SKPrefix: 'HOOK#' });
/** A webhook delivery in its partner's delivery partition, by creation time (read backwards for newest first). */
export const webhookDeliveryKey = (partnerId: string, createdAt: string, deliveryId: string): Key => ({
  PK: `WHDELIVERIES#${partnerId}`,
  SK: timeSortKey(createdAt, deliveryId),
});
export const webhookDeliveryPartition = (partnerId: string) => `WHDELIVERIES#${partnerId}`;
/**
 * The due index of pending deliveries (sparse: only PENDING deliveries carry these GSI1 keys): the worker reads the
 * partition up to now in time order. One partition; a claim moves an item's sort key forward by its lease.
 */
export const WEBHOOK_DUE_PARTITION = 'WHDUE';
export const webhookDueGsi1 = (nextAttemptAt: string, deliveryId: string) => ({
  GSI1PK: WEBHOOK_DUE_PARTITION,
  GSI1SK: timeSortKey(nextAttemptAt, deliveryId),
});
/** The lower bound of the due index's sort keys (a key value may not be empty; every ISO time sorts after it). */
export const WEBHOOK_DUE_FROM = '0';
/** The upper bound of the due index's sort keys at `now` (every key of a time up to `now`). */
export const webhookDueUpTo = (now: string) => `${now}${SEP}\uffff`;

/** A key as one string (map keys, DataLoader cache keys). */
export const keyString = (k: Key): string => `${k.PK}\u0000${k.SK}`;
