import { Entity, entityKey, indexKeysFor, indexPartition, partnerQuotaKey, type Key } from '../data/keys.js';
import type { ItemLoader } from '../data/loader.js';
import type { Store } from '../data/store.js';
import { EntityStore } from '../data/entityStore.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { AppError, ErrorCode } from '../errors.js';
import type { PartnerRegionCode, PartnerStatus } from '../domain/partners.js';

/** A partner platform as stored; its id is its OAuth client id (Cognito `client_id`, the local tokens' `partner` claim). */
export interface PartnerRecord {
  id: string;
  nameHant: string;
  nameHans: string;
  nameEn: string;
  regionCode: PartnerRegionCode;
  contactName: string;
  contactEmail: string;
  contactPhone: string | null;
  status: PartnerStatus;
  consentTermsVersion: string;
  quotaPerMinute: number;
  preferredLanguage: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Listed in one partition, sorted by id (a handful of partners). */
const indexKeys = (p: Pick<PartnerRecord, 'id'>): Key[] => indexKeysFor('PARTNER', {}, p.id);

const duplicate = () => new AppError(ErrorCode.CONFLICT, 'A partner platform with this client id exists', { field: 'clientId' });

/** Partner platforms and their per-minute request counters. */
export class PartnerRepository extends EntityStore<PartnerRecord> {
  constructor(store: Store, loader: ItemLoader) {
    super(store, loader, 'PARTNER', indexKeys);
  }

  /** Creates a partner with its index item; an existing one with the same client id is CONFLICT on `clientId`. */
  async createPartner(record: PartnerRecord): Promise<PartnerRecord> {
    await this.store.transact([
      this.store.putNew({ ...entityKey('PARTNER', record.id), entity: Entity.PARTNER, ...record }, duplicate),
      ...indexKeys(record).map((k) => this.store.put({ ...k, entity: Entity.PARTNER, id: record.id })),
    ]);
    this.loader.prime(entityKey('PARTNER', record.id), { ...record });
    return record;
  }

  /** Partners by client id, one page. */
  list(args: PageArgs): Promise<Page<PartnerRecord>> {
    return this.listIndex(indexPartition('PARTNER', {}), args);
  }

  /**
   * Counts one request in the partner's window (one UpdateItem ADD, which creates the counter with its TTL on the
   * window's first request) and returns the count so far, this request included.
   */
  async countRequest(partnerId: string, windowStart: number, expiresAt: number): Promise<number> {
    const item = await this.store.updateItem(partnerQuotaKey(partnerId, windowStart), {
      set: { entity: Entity.QUOTA, expiresAt },
      add: { requests: 1 },
    });
    return typeof item.requests === 'number' ? item.requests : 1;
  }
}
