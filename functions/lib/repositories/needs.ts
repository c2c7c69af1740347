import {
  GSI1,
  expertInboxGsi1,
  expertInboxPrefix,
  expertPastMatchGsi1,
  expertPastMatchPrefix,
  indexKeysFor,
  indexPartition,
  isKeyServed,
  needHistoryKey,
  needHistoryPrefix,
  needMatchKey,
  needMatchPrefix,
  needTopMatchesKey,
  partnerMatchGsi1,
  partnerMatchItemsPrefix,
  partnerMatchKey,
  partnerMatchesPrefix,
  partnerPastMatchGsi1,
  timeSortKey,
  type Dimension,
  type Dimensions,
  type Key,
  Entity,
  isTermKey,
} from '../data/keys.js';
import { termItemOf, termKeysOf } from './search.js';
import type { WeightedTerm } from '../domain/text.js';
import { recordOf, type ItemLoader } from '../data/loader.js';
import type { Store, WriteOp } from '../data/store.js';
import { EntityStore } from '../data/entityStore.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { regionLineage } from '../regions/index.js';
import type { Language, NeedAction, NeedKind, NeedStatus, RequesterKind, Role, Urgency } from '../generated/graphql.js';

export interface RequesterRecord {
  kind: RequesterKind;
  name: string;
  organizationId: string | null;
  contactName: string | null;
  contactPhone: string | null;
}

export interface RatingRecord {
  stars: number;
  comment: string | null;
  at: string;
}

/** A need as stored; `organizationPath` is the responsible organization's path (for the policy). */
export interface NeedRecord {
  id: string;
  title: string;
  description: string;
  kind: NeedKind;
  requester: RequesterRecord;
  /** The signed-in user who posted it (the requester, or the admin who recorded a survey answer). */
  postedBy: string;
  /** The requester's user id when a requester posted it (who may rate and withdraw). */
  requesterUserId: string | null;
  domains: string[];
  keywords: string[];
  regionCode: string;
  organizationId: string;
  organizationPath: string[];
  urgency: Urgency;
  desiredFrom: string | null;
  desiredTo: string | null;
  languages: Language[];
  status: NeedStatus;
  dispatchedExpertIds: string[];
  dispatchedTeamId: string | null;
  declinedExpertIds: string[];
  acceptedExpertIds: string[];
  outcome: string | null;
  rating: RatingRecord | null;
  descriptionRating: RatingRecord | null;
  /** When the need last became OPEN (its matches' inbox order). */
  openedAt: string | null;
  historyCount: number;
  /** Search terms of the title, keywords and description (term items); absent on needs written before search. */
  searchTerms?: WeightedTerm[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface NeedEventRecord {
  at: string;
  action: NeedAction;
  from: NeedStatus | null;
  to: NeedStatus;
  actorId: string | null;
  actorRoles: Role[];
  reason: string | null;
}

export interface MatchReasonRecord {
  factor: 'DOMAIN' | 'KEYWORD' | 'REGION' | 'LANGUAGE' | 'CAPACITY' | 'AVAILABILITY';
  score: number;
  detail: string;
}

export interface NeedMatchRecord {
  needId: string;
  expertId: string;
  score: number;
  rank: number;
  reasons: MatchReasonRecord[];
  /** The partner platform owning the matched expert, if any (its match is also listed under the partner). */
  partnerId?: string;
}

export interface NeedFilter {
  status?: NeedStatus | null;
  kind?: NeedKind | null;
  regionCode?: string | null;
  domain?: string | null;
  /** The organization whose subtree's needs to list. */
  organizationId?: string | null;
  requesterUserId?: string | null;
}

type NeedIndexed = Pick<NeedRecord, 'id' | 'regionCode' | 'organizationPath' | 'requesterUserId' | 'kind' | 'domains' | 'status' | 'createdAt'>;

/** The index keys of a need: its region lineage and organization path make subtree filters partitions. */
export const needIndexKeys = (n: NeedIndexed): Key[] =>
  indexKeysFor(
    'NEED',
    {
      region: regionLineage(n.regionCode).map((r) => r.code),
      org: n.organizationPath,
      requester: n.requesterUserId,
      kind: n.kind,
      domain: n.domains,
      status: n.status,
    },
    timeSortKey(n.createdAt, n.id),
  );

// Index items carry the need's immutable attributes, for residual filters.
const indexItem = (k: Key, n: NeedRecord) => ({
  ...k,
  entity: Entity.NEED,
  id: n.id,
  kind: n.kind,
  domains: n.domains,
  regionCode: n.regionCode,
  organizationPath: n.organizationPath,
});

type ResidualDimension = 'region' | 'org' | 'kind' | 'domain';

/** Residual conditions for the filter dimensions the chosen partition does not cover. */
const RESIDUAL: Record<ResidualDimension, (value: string) => { expression: string; names: Record<string, string>; values: Record<string, unknown> }> = {
  region: (v) => ({ expression: 'begins_with(#rc, :rc)', names: { '#rc': 'regionCode' }, values: { ':rc': v } }),
  org: (v) => ({ expression: 'contains(#op, :op)', names: { '#op': 'organizationPath' }, values: { ':op': v } }),
  kind: (v) => ({ expression: '#kd = :kd', names: { '#kd': 'kind' }, values: { ':kd': v } }),
  domain: (v) => ({ expression: 'contains(#dm, :dm)', names: { '#dm': 'domains' }, values: { ':dm': v } }),
};

const hasResidual = (d: Dimension<'NEED'>): d is ResidualDimension => d in RESIDUAL;

/**
 * Chooses the partition for a filter: the family covering most of its dimensions (every family has
 * `status`, so status is always in the key); the rest become a residual condition on immutable attributes.
 * The requester is not on index items, so a requester filter is always in the key.
 */
export function planNeedQuery(filter: NeedFilter) {
  const dims: Dimensions<'NEED'> = {};
  if (filter.regionCode) dims.region = filter.regionCode;
  if (filter.organizationId) dims.org = filter.organizationId;
  if (filter.requesterUserId) dims.requester = filter.requesterUserId;
  if (filter.kind) dims.kind = filter.kind;
  if (filter.domain) dims.domain = filter.domain;
  if (filter.status) dims.status = filter.status;
  const present = Object.keys(dims) as Array<Dimension<'NEED'>>;
  // Largest key-served subset, preferring the more selective dimensions listed first.
  const preference: Array<Dimension<'NEED'>> = ['requester', 'org', 'region', 'domain', 'kind', 'status'];
  let key: Array<Dimension<'NEED'>> = [];
  type Dims = Array<Dimension<'NEED'>>;
  const subsets = (xs: Dims): Dims[] => xs.reduce<Dims[]>((acc, x) => acc.concat(acc.map((a) => [...a, x])), [[]]);
  const rank = (dims: Dims) => preference.findIndex((d) => dims.includes(d));
  const keyOnly = present.filter((d) => !hasResidual(d));
  for (const subset of subsets(present)) {
    if (!isKeyServed('NEED', subset) || !keyOnly.every((d) => subset.includes(d))) continue;
    const better = subset.length > key.length || (subset.length === key.length && rank(subset) < rank(key));
    if (better) key = subset;
  }
  const keyDims = Object.fromEntries(key.map((d) => [d, dims[d]])) as Dimensions<'NEED'>;
  const residual = present.filter((d) => !key.includes(d)).filter(hasResidual);
  const parts = residual.map((d) => RESIDUAL[d](dims[d] as string));
  return {
    partition: indexPartition('NEED', keyDims),
    ...(parts.length > 0 && {
      filter: {
        expression: parts.map((p) => p.expression).join(' AND '),
        names: Object.assign({}, ...parts.map((p) => p.names)) as Record<string, string>,
        values: Object.assign({}, ...parts.map((p) => p.values)) as Record<string, unknown>,
      },
    }),
  };
}

/** A match of a partner's expert as listed under the partner: in its open list while `open`, among its past matches otherwise. */
function partnerMatchItem(need: Pick<NeedRecord, 'id' | 'openedAt'>, m: NeedMatchRecord, partnerId: string, open: boolean): Record<string, unknown> {
  return {
    ...partnerMatchKey(m.expertId, need.id),
    ...(open && need.openedAt ? partnerMatchGsi1(partnerId, need.openedAt, need.id, m.expertId) : partnerPastMatchGsi1(partnerId, need.id, m.expertId)),
    entity: Entity.PARTNER_MATCH,
    ...m,
  };
}

/** Needs, their index items, history and stored matches. */
export class NeedRepository extends EntityStore<NeedRecord> {
  constructor(store: Store, loader: ItemLoader) {
    super(
      store,
      loader,
      'NEED',
      (n) => [...needIndexKeys(n), ...termKeysOf('NEED', n, n.regionCode)],
      (k, n) => (isTermKey(k) ? termItemOf('NEED', k, n, n.regionCode) : undefined) ?? indexItem(k, n),
    );
  }

  /** Needs matching the filter, newest first; one partition, plus a residual condition for rare combinations. */
  async list(filter: NeedFilter, args: PageArgs): Promise<Page<NeedRecord>> {
    const plan = planNeedQuery(filter);
    return this.hydrate(await this.store.queryPage({ partition: plan.partition, args, descending: true, ...(plan.filter && { filter: plan.filter }) }));
  }

  /** The need, its index items and its first history event, atomically. */
  submit(need: NeedRecord, event: NeedEventRecord, extra: WriteOp[] = []): Promise<NeedRecord> {
    return this.create(need, [this.store.putNew({ ...needHistoryKey(need.id, event.at, need.historyCount), entity: Entity.NEED_EVENT, ...event }), ...extra]);
  }

  /**
   * A workflow step: the versioned update of the need, its index items moved to the new status, the
   * history event, and the caller's extra writes (e.g. expert capacity counters), in one transaction.
   */
  transition(current: NeedRecord, changes: Partial<NeedRecord>, event: NeedEventRecord, extra: WriteOp[] = []): Promise<NeedRecord> {
    const seq = current.historyCount + 1;
    const history = this.store.putNew({ ...needHistoryKey(current.id, event.at, seq), entity: Entity.NEED_EVENT, ...event });
    return this.update(current, { ...changes, historyCount: seq }, event.at, [history, ...extra]);
  }

  /** The need's history, oldest first. */
  async history(needId: string): Promise<NeedEventRecord[]> {
    const { PK, SKPrefix } = needHistoryPrefix(needId);
    return (await this.store.queryAll(PK, SKPrefix)).map((item) => recordOf<NeedEventRecord>(item));
  }

  /** Stored matches, best first. */
  async matches(needId: string, first: number): Promise<NeedMatchRecord[]> {
    const { PK, SKPrefix } = needMatchPrefix(needId);
    const page = await this.store.queryPage({ partition: PK, sortPrefix: SKPrefix, args: { first } });
    return page.keys.map(({ item }) => recordOf<NeedMatchRecord>(item));
  }

  /**
   * The need's best `first` stored matches (what `matches` answers), through the request's item loader: one key per need
   * (its top-matches item, needTopMatchesKey), so the matches of a whole page of needs are read with the level's other keys
   * in one BatchGetItem per 100 keys instead of one Query per need. A need without that item (opened before it was kept)
   * is read with a Query as before; a need never opened was never matched.
   */
  async topMatches(need: Pick<NeedRecord, 'id' | 'openedAt'>, first: number): Promise<NeedMatchRecord[]> {
    if (first <= 0 || !need.openedAt) return [];
    const item = await this.loader.load(needTopMatchesKey(need.id));
    if (!item || !Array.isArray(item.matches)) return this.matches(need.id, first);
    return (item.matches as NeedMatchRecord[]).slice(0, first);
  }

  /** True when the expert is among the need's stored matches (qualifies it to grab the need). */
  async isMatched(needId: string, expertId: string): Promise<boolean> {
    return (await this.matches(needId, 100)).some((m) => m.expertId === expertId);
  }

  /**
   * Stores ranked matches (overwriting by rank, so a redelivered event writes the same items) with
   * inbox keys on GSI1 while the need is open (past-match keys otherwise). A match of a partner's expert is written
   * a second time, under the partner (see `partnerMatchItem`). BatchWriteItem, 25 items a request.
   */
  async putMatches(need: Pick<NeedRecord, 'id' | 'openedAt'>, matches: NeedMatchRecord[]): Promise<number> {
    const items = matches.map((m) => ({
      ...needMatchKey(need.id, m.rank),
      ...(need.openedAt ? expertInboxGsi1(m.expertId, need.openedAt, need.id) : expertPastMatchGsi1(m.expertId, need.id)),
      entity: Entity.NEED_MATCH,
      ...m,
    }));
    // The same matches in one item, for pages of needs (see topMatches); an empty list too, so a need nobody matched reads nothing more.
    const top = { ...needTopMatchesKey(need.id), entity: Entity.NEED_TOP_MATCHES, needId: need.id, matches: [...matches].sort((a, b) => a.rank - b.rank) };
    const partnerItems = matches.flatMap((m) => (m.partnerId ? [partnerMatchItem(need, m, m.partnerId, Boolean(need.openedAt))] : []));
    return this.store.batchWrite({ put: [...items, ...partnerItems, top] });
  }

  /**
   * Shows (open) or hides (otherwise) the need in its matched experts' inboxes. A hidden match moves to
   * the expert's past matches on GSI1 (another sort-key prefix), so the person's data export and erasure still find it.
   */
  async setInboxVisibility(need: Pick<NeedRecord, 'id' | 'openedAt'>, visible: boolean): Promise<void> {
    const matches = await this.matches(need.id, 100);
    await Promise.all(
      matches.map((m) => {
        const key = needMatchKey(need.id, m.rank);
        const gsi = visible && need.openedAt ? expertInboxGsi1(m.expertId, need.openedAt, need.id) : expertPastMatchGsi1(m.expertId, need.id);
        return this.store.updateItem(key, { set: { ...gsi } });
      }),
    );
    // Matches of partners' experts move the same way in the partners' lists (the item is written whole: it may predate the partner index).
    const partnerItems = matches.flatMap((m) => (m.partnerId ? [partnerMatchItem(need, m, m.partnerId, visible)] : []));
    if (partnerItems.length > 0) await this.store.batchWrite({ put: partnerItems });
  }

  /** One page of the open needs matched to a partner's experts, newest first (one Query on GSI1). */
  async partnerMatches(partnerId: string, args: PageArgs): Promise<Page<NeedMatchRecord>> {
    const { GSI1PK, GSI1SKPrefix } = partnerMatchesPrefix(partnerId);
    const page = await this.store.queryPage({ partition: GSI1PK, sortPrefix: GSI1SKPrefix, index: GSI1, args, descending: true });
    return { hasNextPage: page.hasNextPage, items: page.keys.map(({ item, cursor }) => ({ node: recordOf<NeedMatchRecord>(item), cursor })) };
  }

  /** Keys of the partner-list items of an expert's matches (removed with a partner's expert). */
  async partnerMatchKeysOf(expertId: string): Promise<Key[]> {
    const { PK, SKPrefix } = partnerMatchItemsPrefix(expertId);
    return (await this.store.queryAll(PK, SKPrefix)).map((i) => ({ PK: String(i.PK), SK: String(i.SK) }));
  }

  /** One page of an expert's matches: open ones (its inbox, newest first) or those of needs no longer open. */
  async matchesOfExpert(expertId: string, open: boolean, args: PageArgs): Promise<Page<NeedMatchRecord>> {
    const { GSI1PK, GSI1SKPrefix } = open ? expertInboxPrefix(expertId) : expertPastMatchPrefix(expertId);
    const page = await this.store.queryPage({ partition: GSI1PK, sortPrefix: GSI1SKPrefix, index: GSI1, args, descending: open });
    return { hasNextPage: page.hasNextPage, items: page.keys.map(({ item, cursor }) => ({ node: recordOf<NeedMatchRecord>(item), cursor })) };
  }

  /** Deletes every stored match of an expert, open or past (account erasure); returns how many. */
  async eraseMatchesOf(expertId: string): Promise<number> {
    const keys: Key[] = [];
    const needIds = new Set<string>();
    for (const { GSI1PK, GSI1SKPrefix } of [expertInboxPrefix(expertId), expertPastMatchPrefix(expertId)]) {
      const items = await this.store.queryAll({ partition: GSI1PK, sortPrefix: GSI1SKPrefix, index: GSI1 });
      keys.push(...items.map((i) => ({ PK: String(i.PK), SK: String(i.SK) })));
      for (const i of items) needIds.add(String(i.needId));
    }
    await this.store.batchWrite({ delete: keys });
    // The needs' top-matches items drop the expert too, so `matches` answers the same whichever way it reads.
    const tops = await this.store.batchGet([...needIds].map(needTopMatchesKey), { consistentRead: true });
    const kept = tops.flatMap((top) =>
      top && Array.isArray(top.matches) ? [{ ...top, matches: (top.matches as NeedMatchRecord[]).filter((m) => m.expertId !== expertId) }] : [],
    );
    if (kept.length > 0) await this.store.batchWrite({ put: kept });
    return keys.length;
  }

  /**
   * Anonymises a need its requester posted (account erasure): the contact person and phone removed, the
   * requester's user id and its index items gone, and the requester's user id cleared from its history.
   * The need itself stays (it is the organization's record). Versioned: a concurrent change is a CONFLICT (retryable).
   */
  async anonymiseRequester(current: NeedRecord, userId: string, erasedMarker: string, now: string): Promise<void> {
    const history = await this.store.queryAll(needHistoryPrefix(current.id).PK, needHistoryPrefix(current.id).SKPrefix);
    const ownEvents = history
      .filter((h) => h.actorId === userId)
      .map((h) => this.store.update({ PK: String(h.PK), SK: String(h.SK) }, { set: { actorId: null } }));
    const fields: Partial<NeedRecord> = {
      requester: { ...current.requester, contactName: null, contactPhone: null },
      requesterUserId: null,
      ...(current.postedBy === userId && { postedBy: erasedMarker }),
    };
    // History events are few per need, well inside one transaction with the need and its index items.
    await this.store.transact([...this.updateOps(current, fields, now).ops, ...ownEvents]);
  }

  /** An expert's inbox: open needs it matched, newest first. */
  async inbox(expertId: string, args: PageArgs): Promise<{ items: Array<{ node: NeedMatchRecord; cursor: string }>; hasNextPage: boolean }> {
    const { GSI1PK, GSI1SKPrefix } = expertInboxPrefix(expertId);
    const page = await this.store.queryPage({ partition: GSI1PK, sortPrefix: GSI1SKPrefix, index: GSI1, args, descending: true });
    return { hasNextPage: page.hasNextPage, items: page.keys.map(({ item, cursor }) => ({ node: recordOf<NeedMatchRecord>(item), cursor })) };
  }
}
