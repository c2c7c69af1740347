import { Entity, partnerExpertKey, partnerExpertPrefix, type Key } from '../data/keys.js';
import type { KeyPage, Store, WriteOp } from '../data/store.js';
import type { PageArgs } from '../data/pagination.js';
import { AppError, ErrorCode } from '../errors.js';

/** A partner's expert by its externalId: the uniqueness guard, the expert's id and the hash of what was last synced. */
export interface PartnerExpertLink {
  partnerId: string;
  externalId: string;
  expertId: string;
  contentHash: string;
}

const linkOf = (item: Record<string, unknown> | undefined): PartnerExpertLink | undefined =>
  item
    ? { partnerId: String(item.partnerId), externalId: String(item.externalId), expertId: String(item.id), contentHash: String(item.contentHash) }
    : undefined;

/** The links of partner platforms' experts (see keys.ts: partnerExpertKey); the experts themselves are ordinary experts. */
export class PartnerExpertRepository {
  constructor(private readonly store: Store) {}

  /** The links of these externalIds (strongly consistent, one BatchGetItem per 100), undefined where the partner has none. */
  async links(partnerId: string, externalIds: readonly string[]): Promise<Array<PartnerExpertLink | undefined>> {
    const items = await this.store.batchGet(
      externalIds.map((id) => partnerExpertKey(partnerId, id)),
      { consistentRead: true },
    );
    return items.map(linkOf);
  }

  /** One link, strongly consistent. */
  async link(partnerId: string, externalId: string): Promise<PartnerExpertLink | undefined> {
    return linkOf(await this.store.get(partnerExpertKey(partnerId, externalId)));
  }

  /** The guard written with the expert: a second expert under the same externalId fails the transaction (CONFLICT on `externalId`). */
  createOp(link: PartnerExpertLink): WriteOp {
    return this.store.putNew(
      {
        ...partnerExpertKey(link.partnerId, link.externalId),
        entity: Entity.PARTNER_EXPERT,
        // `id` is the expert's, so a page of links hydrates like a page of index items.
        id: link.expertId,
        partnerId: link.partnerId,
        externalId: link.externalId,
        contentHash: link.contentHash,
      },
      () => new AppError(ErrorCode.CONFLICT, `externalId ${link.externalId} was synced concurrently`, { field: 'externalId' }),
    );
  }

  /** The new content hash, on the condition that the link still names this expert. */
  rehashOp(link: PartnerExpertLink): WriteOp {
    return this.store.update(
      partnerExpertKey(link.partnerId, link.externalId),
      { set: { contentHash: link.contentHash } },
      {
        expression: 'attribute_exists(PK) AND #id = :id',
        names: { '#id': 'id' },
        values: { ':id': link.expertId },
        onFailed: () => new AppError(ErrorCode.CONFLICT, `externalId ${link.externalId} was removed or replaced concurrently`, { field: 'externalId' }),
      },
    );
  }

  /** The key of a link (deleted with its expert). */
  keyOf(partnerId: string, externalId: string): Key {
    return partnerExpertKey(partnerId, externalId);
  }

  /** One page of a partner's links, by externalId (items carry the expert's `id`: hydrate with the expert repository). */
  page(partnerId: string, args: PageArgs): Promise<KeyPage> {
    const { PK, SKPrefix } = partnerExpertPrefix(partnerId);
    return this.store.queryPage({ partition: PK, sortPrefix: SKPrefix, args });
  }
}
