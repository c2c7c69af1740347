import { entityKey, guardKey, indexKeysFor, indexPartition, indexSortKey, isTermKey, Entity, type Dimensions, type Key } from '../data/keys.js';
import { termItemOf, termKeysOf } from './search.js';
import type { WeightedTerm } from '../domain/text.js';
import { recordOf, type ItemLoader } from '../data/loader.js';
import type { Store, WriteOp } from '../data/store.js';
import { EntityStore } from '../data/entityStore.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { AppError, ErrorCode } from '../errors.js';
import type { Availability, ExpertTitle, Language, Origin } from '../generated/graphql.js';

/** An expert as stored. `idNumber` never leaves the repository layer through the schema. */
export interface ExpertRecord {
  id: string;
  userId: string | null;
  name: string;
  title: ExpertTitle;
  domains: string[];
  keywords: string[];
  affiliation: string | null;
  organizationId: string | null;
  origin: Origin;
  languages: Language[];
  regionCode: string;
  serviceRegionCodes: string[];
  availability: Availability;
  maxOpenAssignments: number;
  phone: string;
  idNumber: string | null;
  bio: string | null;
  /** Ids of all organizations above (and including) the expert's own and its teams' organizations. */
  scopeOrganizationIds: string[];
  /**
   * Ids of the teams the expert belongs to, kept on the expert item so that a membership change reads
   * them with the expert's version in one strongly consistent GetItem. Absent on experts that joined
   * teams before it was kept (their teams are then read once from GSI1).
   */
  teamIds?: string[];
  /** Needs accepted and not yet finished (a counter kept by the need workflow). */
  openAssignments?: number;
  /** Search terms of the name (with its pinyin), keywords and bio (term items); absent on experts written before search. */
  searchTerms?: WeightedTerm[];
  /** The partner platform (Hong Kong or Macao) that synced this expert and owns its record; absent for mainland experts. */
  partnerId?: string;
  /** The partner's own id of the expert (unique per partner). */
  externalId?: string;
  /** The e-mail a partner synced (contact details, shown as the phone is). */
  email?: string | null;
  /** What the partner attests the expert agreed to, under which terms version (cross-border personal data). */
  consent?: PartnerExpertConsent;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Consent a partner platform attests to for one of its experts. */
export interface PartnerExpertConsent {
  /** To be listed in the talent pool and matched to needs. */
  listed: boolean;
  /** To be contacted by mainland organizations: without it the contact details are shown to no one outside the partner. */
  contactable: boolean;
  termsVersion: string;
}

export interface ExpertFilter {
  domain?: string | null;
  regionCode?: string | null;
  origin?: Origin | null;
  title?: ExpertTitle | null;
}

type Indexed = Pick<ExpertRecord, 'id' | 'domains' | 'origin' | 'title' | 'regionCode' | 'searchTerms' | 'createdAt' | 'consent'>;
/**
 * Filter index items, then term items (both under the expert's base region). An expert whose partner attests no
 * consent to be listed has none: it is kept, but not listed, found or matched.
 */
const indexKeys = (e: Indexed): Key[] =>
  e.consent?.listed === false
    ? []
    : [
        ...indexKeysFor('EXPERT', { domain: e.domains, origin: e.origin, title: e.title }, indexSortKey(e.regionCode, e.id)),
        ...termKeysOf('EXPERT', e, e.regionCode),
      ];
const indexItem = (k: Key, e: ExpertRecord): Record<string, unknown> =>
  (isTermKey(k) ? termItemOf('EXPERT', k, e, e.regionCode) : undefined) ?? { ...k, entity: Entity.EXPERT, id: e.id };

const phoneTaken = () => new AppError(ErrorCode.CONFLICT, 'This phone number is already registered', { field: 'phone' });

/** The talent pool: experts, their filter index items, and uniqueness guards for phone and user. */
export class ExpertRepository extends EntityStore<ExpertRecord> {
  constructor(store: Store, loader: ItemLoader) {
    super(store, loader, 'EXPERT', indexKeys, indexItem);
  }

  /** One page of experts matching every given filter, in base-region order. */
  async list(filter: ExpertFilter, args: PageArgs): Promise<Page<ExpertRecord>> {
    const dims: Dimensions<'EXPERT'> = {};
    if (filter.domain) dims.domain = filter.domain;
    if (filter.origin) dims.origin = filter.origin;
    if (filter.title) dims.title = filter.title;
    return this.listIndex(indexPartition('EXPERT', dims), args, { sortPrefix: filter.regionCode });
  }

  /** Writes of a new expert: its item, its index items and its guards (in a transaction, a taken phone or user is a CONFLICT). */
  override createOps(record: ExpertRecord): WriteOp[] {
    const guards: WriteOp[] = [this.store.putNew({ ...guardKey('EXPERT_PHONE', record.phone), ownerId: record.id }, phoneTaken)];
    if (record.userId) {
      guards.push(
        this.store.putNew(
          { ...guardKey('EXPERT_USER', record.userId), ownerId: record.id },
          () => new AppError(ErrorCode.CONFLICT, 'You are already registered as an expert'),
        ),
      );
    }
    return [...super.createOps(record), ...guards];
  }

  /** A versioned update; a new phone moves its guard in the same transaction (a taken one is a CONFLICT). */
  override update(current: ExpertRecord, fields: Partial<ExpertRecord>, now: string, extra: WriteOp[] = []): Promise<ExpertRecord> {
    return super.update(current, fields, now, [...this.#phoneGuardOps(current, fields), ...extra]);
  }

  /**
   * The same versioned update as `update` (phone guard moved, index items moved) in one transaction, without the
   * reload after it: the record as written is returned (a sync of many experts pays one request per changed expert).
   */
  async updateWithoutReload(current: ExpertRecord, fields: Partial<ExpertRecord>, now: string, extra: WriteOp[] = []): Promise<ExpertRecord> {
    const { ops, next } = this.updateOps(current, fields, now);
    await this.store.transact([...ops, ...this.#phoneGuardOps(current, fields), ...extra]);
    this.loader.clear(entityKey('EXPERT', current.id));
    return { ...next, version: current.version + 1, updatedAt: now };
  }

  #phoneGuardOps(current: ExpertRecord, fields: Partial<ExpertRecord>): WriteOp[] {
    return fields.phone !== undefined && fields.phone !== current.phone
      ? [
          this.store.delete(guardKey('EXPERT_PHONE', current.phone)),
          this.store.putNew({ ...guardKey('EXPERT_PHONE', fields.phone), ownerId: current.id }, phoneTaken),
        ]
      : [];
  }

  /** Experts by id with strong consistency (before versioned updates), in one BatchGetItem per 100; undefined where none. */
  async getManyFresh(ids: readonly string[]): Promise<Array<ExpertRecord | undefined>> {
    const items = await this.store.batchGet(
      ids.map((id) => entityKey('EXPERT', id)),
      { consistentRead: true },
    );
    return items.map((item) => (item ? recordOf<ExpertRecord>(item) : undefined));
  }

  /**
   * Experts by id in `requests` BatchGetItems sent at once, the ids shared evenly (fewer requests only for fewer ids;
   * each must hold ≤ 100 keys): a caller that knows the most ids it can ask for pays the same requests for any number.
   */
  async getMany(ids: readonly string[], requests: number): Promise<Array<ExpertRecord | undefined>> {
    const n = Math.min(requests, ids.length);
    const slices = Array.from({ length: n }, (_, i) => ids.slice(Math.floor((i * ids.length) / n), Math.floor(((i + 1) * ids.length) / n)));
    const items = (await Promise.all(slices.map((slice) => this.store.batchGet(slice.map((id) => entityKey('EXPERT', id)))))).flat();
    return items.map((item) => (item ? recordOf<ExpertRecord>(item) : undefined));
  }

  /** The id of the expert a user registered (its EXPERT_USER guard, read with strong consistency), if any. */
  async idOfUser(userId: string): Promise<string | undefined> {
    const guard = await this.store.get(guardKey('EXPERT_USER', userId));
    return typeof guard?.ownerId === 'string' ? guard.ownerId : undefined;
  }

  /**
   * Erases an expert (account erasure): its main item, every index item and its phone and user guards, in one
   * transaction (at most 51 items: 24 index items for 5 domains, 24 term items), with the caller's `extra` keys (a partner's
   * guard and match items). Deletes are unconditional, so a retry is harmless.
   */
  async erase(record: ExpertRecord, extra: Key[] = []): Promise<number> {
    const keys: Key[] = [entityKey('EXPERT', record.id), ...indexKeys(record), guardKey('EXPERT_PHONE', record.phone), ...extra];
    if (record.userId) keys.push(guardKey('EXPERT_USER', record.userId));
    await this.store.transact(keys.map((k) => this.store.delete(k)));
    this.loader.clear(entityKey('EXPERT', record.id));
    return keys.length;
  }

  /** Ids of experts listed under `domain` whose base region is within `regionPrefix` (matching candidates). */
  async idsByDomain(domain: string, regionPrefix: string, limit: number): Promise<string[]> {
    const page = await this.store.queryPage({ partition: indexPartition('EXPERT', { domain }), sortPrefix: regionPrefix, args: { first: limit } });
    return page.keys.map(({ item }) => String(item.id));
  }

  /**
   * Changes the open-assignment counter in a need's transaction. Taking one more fails (CONFLICT) when
   * the expert is at capacity; the condition reads the counter and the limit on the item itself.
   */
  capacityOp(expertId: string, delta: 1 | -1): WriteOp {
    return this.store.update(
      entityKey('EXPERT', expertId),
      { add: { openAssignments: delta } },
      {
        expression:
          delta > 0
            ? 'attribute_exists(PK) AND (attribute_not_exists(openAssignments) OR openAssignments < maxOpenAssignments)'
            : 'attribute_exists(PK) AND openAssignments > :zero',
        ...(delta < 0 && { values: { ':zero': 0 } }),
        onFailed: () =>
          delta > 0
            ? new AppError(ErrorCode.CONFLICT, `Expert ${expertId} is at capacity (maxOpenAssignments reached)`, { field: 'expertId' })
            : new AppError(ErrorCode.CONFLICT, `Expert ${expertId} has no open assignment to release`),
      },
    );
  }

  /**
   * The write of a membership change on the expert's side: its team ids and the scope recomputed from
   * them, on the condition that the expert is still at `current.version` (which it bumps). A concurrent
   * membership change in between fails it with CONFLICT on `version`, so the caller re-reads and
   * recomputes instead of overwriting the other change's scope.
   */
  membershipOps(current: ExpertRecord, teamIds: string[], scopeOrganizationIds: string[], now: string): WriteOp[] {
    return this.updateOps(current, { teamIds, scopeOrganizationIds }, now).ops;
  }
}
