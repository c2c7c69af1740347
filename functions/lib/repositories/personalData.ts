import DataLoader from 'dataloader';
import { Entity, personalDataReadKey, personalDataReadPrefix } from '../data/keys.js';
import { recordOf } from '../data/loader.js';
import type { Store } from '../data/store.js';
import type { Page, PageArgs } from '../data/pagination.js';
import type { Role } from '../auth/principal.js';

/** An audit line: someone other than the expert received its personal data unmasked. */
export interface PersonalDataReadRecord {
  expertId: string;
  at: string;
  /** The fields received in full, e.g. `Expert.phone`. */
  fields: string[];
  /** Who read: a user id or a partner platform id (kept for the province's inquiries; the person sees roles and organization only). */
  readerUserId: string | null;
  readerPartnerId: string | null;
  readerRoles: Role[];
  readerOrganizationId: string | null;
  requestId: string;
  /** Epoch seconds: the table's TTL attribute. */
  expiresAt: number;
}

/** Audit lines of reads of experts' personal data, in each expert's partition. */
export class PersonalDataRepository {
  /**
   * One write per expert per request, however many times its phone is resolved (lists, nested fields, aliases);
   * lines recorded in the same tick go out in one BatchWriteItem (25 a request).
   */
  readonly #lines: DataLoader<PersonalDataReadRecord, void, string>;

  constructor(private readonly store: Store) {
    this.#lines = new DataLoader<PersonalDataReadRecord, void, string>(
      async (lines) => {
        await this.store.batchWrite({
          put: lines.map((l) => ({ ...personalDataReadKey(l.expertId, l.at, l.requestId), entity: Entity.PERSONAL_DATA_READ, ...l })),
        });
        return lines.map(() => undefined);
      },
      { cacheKeyFn: (l) => l.expertId, maxBatchSize: 100 },
    );
  }

  /** Records a read (at most once per expert in this request); rejects when the line could not be written. */
  recordRead(line: PersonalDataReadRecord): Promise<void> {
    return this.#lines.load(line);
  }

  /** One page of the reads of an expert's personal data, newest first. */
  async readsOf(expertId: string, args: PageArgs): Promise<Page<PersonalDataReadRecord>> {
    const { PK, SKPrefix } = personalDataReadPrefix(expertId);
    const page = await this.store.queryPage({ partition: PK, sortPrefix: SKPrefix, args, descending: true });
    return { hasNextPage: page.hasNextPage, items: page.keys.map(({ item, cursor }) => ({ node: recordOf<PersonalDataReadRecord>(item), cursor })) };
  }

  /** Deletes every audit line of an expert (account erasure); returns how many. */
  async eraseReadsOf(expertId: string): Promise<number> {
    const { PK, SKPrefix } = personalDataReadPrefix(expertId);
    const items = await this.store.queryAll(PK, SKPrefix);
    await this.store.batchWrite({ delete: items.map((i) => ({ PK: String(i.PK), SK: String(i.SK) })) });
    return items.length;
  }
}
