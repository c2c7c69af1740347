import { entityKey, indexKeysFor, indexPartition, indexSortKey, pairingFollowUpKey, pairingFollowUpPrefix, type Key, Entity } from '../data/keys.js';
import { recordOf, type ItemLoader } from '../data/loader.js';
import type { Store } from '../data/store.js';
import { EntityStore } from '../data/entityStore.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { AppError, ErrorCode } from '../errors.js';

/** The enterprise a pairing helps (帮扶一家企业); `organizationId` is its own association, if any. */
export interface HelpedEnterpriseRecord {
  name: string;
  organizationId: string | null;
}

/** One talent brought in (引进一批人才); `expertId` links its talent-pool record, if any. */
export interface TalentRecord {
  name: string;
  expertId: string | null;
}

/** A figure of a follow-up (e.g. 带动就业 35 人). */
export interface FigureRecord {
  name: string;
  value: number;
  unit: string | null;
}

/** A "6个1" pairing as stored; `organizationPath` is its organization's path (for the policy and the index). */
export interface PairingRecord {
  id: string;
  organizationId: string;
  organizationPath: string[];
  regionCode: string;
  expertId: string;
  projectId: string | null;
  teamId: string | null;
  helpedEnterprise: HelpedEnterpriseRecord;
  industry: string;
  talents: TalentRecord[];
  action: 'RURAL_REVITALIZATION';
  /** Follow-ups recorded so far: the last one's sequence number. Not a user-edited field, so no version bump. */
  followUpCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A follow-up visit (跟踪回访) as stored in its pairing's partition. */
export interface PairingFollowUpRecord {
  pairingId: string;
  seq: number;
  /** ISO date of the visit. */
  date: string;
  outcome: string;
  figures: FigureRecord[];
  recordedBy: string | null;
  /** When it was recorded (the sort order). */
  at: string;
}

/** Filters of `pairings`; `organizationId` matches the organization's subtree, `regionCode` the region's. */
export interface PairingFilter {
  organizationId?: string | null;
  regionCode?: string | null;
}

/** The fields an update may change. */
export type PairingChanges = Partial<Omit<PairingRecord, 'id' | 'action' | 'followUpCount' | 'version' | 'createdAt' | 'updatedAt'>>;

// The org dimension holds every id of the organization's path, so a filter on an organization lists its subtree.
type Indexed = Pick<PairingRecord, 'id' | 'organizationPath' | 'regionCode'>;
const indexKeys = (p: Indexed): Key[] => indexKeysFor('PAIRING', { org: p.organizationPath }, indexSortKey(p.regionCode, p.id));

/** "6个1" pairings: main items, their filter index items, and their follow-ups in the pairing's partition. */
export class PairingRepository extends EntityStore<PairingRecord> {
  constructor(store: Store, loader: ItemLoader) {
    super(store, loader, 'PAIRING', indexKeys);
  }

  /** One page of pairings matching every given filter, in region order. */
  async list(filter: PairingFilter, args: PageArgs): Promise<Page<PairingRecord>> {
    return this.listIndex(indexPartition('PAIRING', filter.organizationId ? { org: filter.organizationId } : {}), args, { sortPrefix: filter.regionCode });
  }

  /**
   * Records a follow-up with the next sequence number. The counter only advances from the value read
   * (`followUpCount = :seen`), so two follow-ups recorded at once cannot take the same number: the
   * later one fails with CONFLICT and nothing of it is written.
   */
  async addFollowUp(pairing: PairingRecord, followUp: Omit<PairingFollowUpRecord, 'pairingId' | 'seq'>): Promise<PairingFollowUpRecord> {
    const seen = pairing.followUpCount;
    const record: PairingFollowUpRecord = { pairingId: pairing.id, seq: seen + 1, ...followUp };
    await this.store.transact([
      this.store.update(
        entityKey('PAIRING', pairing.id),
        { set: { followUpCount: record.seq } },
        {
          expression: 'attribute_exists(PK) AND #count = :seen',
          names: { '#count': 'followUpCount' },
          values: { ':seen': seen },
          onFailed: (old) =>
            old
              ? new AppError(ErrorCode.CONFLICT, 'Another follow-up was recorded at the same time; retry', { field: 'pairingId' })
              : new AppError(ErrorCode.NOT_FOUND, `Pairing ${pairing.id} not found`, { field: 'pairingId' }),
        },
      ),
      this.store.putNew({ ...pairingFollowUpKey(pairing.id, record.at, record.seq), entity: Entity.PAIRING_FOLLOWUP, ...record }),
    ]);
    this.loader.clear(entityKey('PAIRING', pairing.id));
    return record;
  }

  /**
   * All follow-ups of a pairing in the order recorded. Read strongly consistent (not through the
   * eventually consistent page query), so the payload of addPairingFollowUp includes the new one.
   */
  async listFollowUps(pairingId: string): Promise<PairingFollowUpRecord[]> {
    const { PK, SKPrefix } = pairingFollowUpPrefix(pairingId);
    return (await this.store.queryAll(PK, SKPrefix)).map((item) => recordOf<PairingFollowUpRecord>(item));
  }
}
