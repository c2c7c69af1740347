import type { ServiceContext } from './context.js';
import type { PartnerExpertInput, PartnerExpertSyncStatus } from '../generated/graphql.js';
import { allows, authorize, isOwningPartner } from '../auth/policy.js';
import { AppError, ErrorCode } from '../errors.js';
import { DEFAULT_MAX_OPEN_ASSIGNMENTS, checkLanguages, checkServiceRegions } from '../domain/experts.js';
import { normalizePhone } from '../domain/personalData.js';
import {
  MAX_EXTERNAL_ID_LENGTH,
  checkEmail,
  checkSyncBatch,
  contentHash,
  decideSync,
  duplicateExternalIds,
  originOfPartnerRegion,
  type PartnerExpertFields,
} from '../domain/partnerExperts.js';
import type { ExpertRecord, PartnerExpertConsent } from '../repositories/experts.js';
import type { NeedMatchRecord } from '../repositories/needs.js';
import type { PartnerExpertLink } from '../repositories/partnerExperts.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { expertSearchTerms } from './experts.js';
import { checkDomains, checkKeywords, optionalText, requireText } from './inputs.js';

/** The outcome of one item of a sync (PartnerExpertSyncResult). */
export interface PartnerExpertSyncResultModel {
  externalId: string;
  expert: ExpertRecord | null;
  status: PartnerExpertSyncStatus;
  field: string | null;
  reason: string | null;
}

/** What removePartnerExpert answers. */
export interface RemovedPartnerExpertModel {
  removedExpertId: string;
  externalId: string;
}

/** Writes of one sync run this many items at a time (each its own transaction). */
const SYNC_CONCURRENCY = 10;
/** Attempts per item when a concurrent sync of the same externalId wins a race (re-read, decide again). */
const SYNC_ATTEMPTS = 3;

/**
 * One item checked with the rules of registerExpert (the same validation functions), normalized: BAD_USER_INPUT naming
 * the item's field otherwise.
 */
export function validatePartnerExpert(input: PartnerExpertInput, regionCode: string): PartnerExpertFields {
  return {
    name: requireText(input.name, 'name', 50),
    title: input.title,
    domains: checkDomains(input.domains),
    keywords: checkKeywords(input.keywords ?? []),
    affiliation: optionalText(input.affiliation, 'affiliation', 100) ?? null,
    languages: checkLanguages(input.languages),
    serviceRegionCodes: checkServiceRegions(input.serviceRegionCodes ?? [regionCode]),
    bio: optionalText(input.bio, 'bio') ?? null,
    phone: normalizePhone(input.phone),
    email: checkEmail(input.email),
    consent: {
      listed: input.consent.listed,
      contactable: input.consent.contactable,
      termsVersion: requireText(input.consent.termsVersion, 'consent.termsVersion', 32),
    },
  };
}

/** An item the sync will write or compare: validated, hashed. */
interface ValidItem {
  index: number;
  externalId: string;
  fields: PartnerExpertFields;
  hash: string;
}

const rejected = (externalId: string, field: string | null, reason: string): PartnerExpertSyncResultModel => ({
  externalId,
  expert: null,
  status: 'REJECTED',
  field,
  reason,
});

/** Partner platforms' experts: idempotent sync by externalId, removal, the partner's own lists and its matched needs. */
export class PartnerExpertService {
  constructor(protected readonly ctx: ServiceContext) {}

  /**
   * Creates or updates the calling partner's experts by externalId, item by item (one bad item is REJECTED, the
   * others land). Reads every link in one BatchGetItem and the linked experts in another; an item whose content hash
   * is the stored one is UNCHANGED without a write; each created or updated expert is one transaction (the expert,
   * its index and term items, its phone guard and the partner's link, created with a condition).
   */
  async sync(items: readonly PartnerExpertInput[]): Promise<PartnerExpertSyncResultModel[]> {
    const partnerId = this.#partnerId('partner.syncExperts');
    checkSyncBatch(items.length);
    // The partner's record was read on the request path (the status check), so this is the loader's copy, no request.
    const { regionCode } = await this.ctx.repos.partners.require(partnerId);
    const results: Array<PartnerExpertSyncResultModel | undefined> = new Array<PartnerExpertSyncResultModel | undefined>(items.length);
    const duplicates = duplicateExternalIds(items.map((i) => i.externalId.trim()));
    const valid: ValidItem[] = [];
    items.forEach((input, index) => {
      const externalId = input.externalId.trim();
      try {
        requireText(externalId, 'externalId', MAX_EXTERNAL_ID_LENGTH);
        if (duplicates.has(externalId))
          throw new AppError(ErrorCode.BAD_USER_INPUT, `externalId ${externalId} appears more than once in this batch`, { field: 'externalId' });
        const fields = validatePartnerExpert(input, regionCode);
        valid.push({ index, externalId, fields, hash: contentHash(fields) });
      } catch (error) {
        results[index] = this.#rejection(externalId, error);
      }
    });
    const { repos } = this.ctx;
    const links =
      valid.length > 0
        ? await repos.partnerExperts.links(
            partnerId,
            valid.map((v) => v.externalId),
          )
        : [];
    const linkedIds = links.flatMap((l) => (l ? [l.expertId] : []));
    const linked = new Map((linkedIds.length > 0 ? await repos.experts.getManyFresh(linkedIds) : []).flatMap((e) => (e ? [[e.id, e] as const] : [])));
    for (let start = 0; start < valid.length; start += SYNC_CONCURRENCY) {
      await Promise.all(
        valid.slice(start, start + SYNC_CONCURRENCY).map(async (item, i) => {
          const link = links[start + i];
          results[item.index] = await this.#syncItem(partnerId, regionCode, item, link, link ? linked.get(link.expertId) : undefined).catch((error: unknown) =>
            this.#rejection(item.externalId, error),
          );
        }),
      );
    }
    return results.map((r, i) => r ?? rejected(items[i]?.externalId ?? '', null, 'Not processed'));
  }

  /** Removes one of the calling partner's experts: its matches, the expert with its index items, guards and link. */
  async remove(externalId: string): Promise<RemovedPartnerExpertModel> {
    const partnerId = this.#partnerId('partner.syncExperts');
    const { repos } = this.ctx;
    const expert = await this.#requireOwn(partnerId, externalId);
    // Matches first: a match left behind would name an expert that no longer exists.
    await repos.needs.eraseMatchesOf(expert.id);
    await repos.experts.erase(expert, [repos.partnerExperts.keyOf(partnerId, externalId), ...(await repos.needs.partnerMatchKeysOf(expert.id))]);
    this.ctx.logger.info('partner expert removed', { partnerId, externalId, expertId: expert.id });
    return { removedExpertId: expert.id, externalId };
  }

  /** One page of the calling partner's experts, by externalId. */
  async list(page: PageArgs): Promise<Page<ExpertRecord>> {
    const partnerId = this.#partnerId('partner.syncExperts');
    return this.ctx.repos.experts.hydrate(await this.ctx.repos.partnerExperts.page(partnerId, page));
  }

  /** One of the calling partner's experts by its externalId; another partner's (or none) is NOT_FOUND. */
  get(externalId: string): Promise<ExpertRecord> {
    return this.#requireOwn(this.#partnerId('partner.syncExperts'), externalId);
  }

  /** One page of open needs matched to the calling partner's experts, newest first (one Query). */
  matches(page: PageArgs): Promise<Page<NeedMatchRecord>> {
    return this.ctx.repos.needs.partnerMatches(this.#partnerId('partner.readMatches'), page);
  }

  /** The expert's externalId, for its owning partner only. */
  externalIdOf(expert: ExpertRecord): string | null {
    return isOwningPartner(this.ctx.principal, expert) ? (expert.externalId ?? null) : null;
  }

  /** The consent the owning partner attested, for that partner only. */
  consentOf(expert: ExpertRecord): PartnerExpertConsent | null {
    return isOwningPartner(this.ctx.principal, expert) ? (expert.consent ?? null) : null;
  }

  /** The expert's e-mail for those who may read its contact details (see `expert.readContact`), null for everyone else. */
  emailOf(expert: ExpertRecord): string | null {
    return expert.email && allows(this.ctx.principal, { type: 'expert.readContact', expert }) ? expert.email : null;
  }

  // ---- Helpers ----

  /** The calling partner's id, once the policy allows the action (FORBIDDEN naming a missing scope). */
  #partnerId(action: 'partner.syncExperts' | 'partner.readMatches'): string {
    const { principal } = this.ctx;
    authorize(principal, { type: action });
    if (!principal.partnerId) throw new AppError(ErrorCode.FORBIDDEN, 'Only a partner platform may do this');
    return principal.partnerId;
  }

  async #requireOwn(partnerId: string, externalId: string): Promise<ExpertRecord> {
    const link = await this.ctx.repos.partnerExperts.link(partnerId, externalId);
    const expert = link ? await this.ctx.repos.experts.getFresh(link.expertId) : undefined;
    if (!expert || expert.partnerId !== partnerId) {
      throw new AppError(ErrorCode.NOT_FOUND, `No expert of yours has externalId ${externalId}`, { field: 'externalId' });
    }
    return expert;
  }

  /** A refusal of one item as its result; failures that are not the item's (the database down) fail the call. */
  #rejection(externalId: string, error: unknown): PartnerExpertSyncResultModel {
    const itemCodes: string[] = [ErrorCode.BAD_USER_INPUT, ErrorCode.CONFLICT, ErrorCode.NOT_FOUND];
    if (error instanceof AppError && itemCodes.includes(error.code)) return rejected(externalId, error.field ?? null, error.message);
    throw error;
  }

  /**
   * Creates, updates or leaves one item. A CONFLICT (a concurrent sync of the same externalId created or changed it
   * first) re-reads the link and the expert and decides again, so the loser reports UPDATED or UNCHANGED.
   */
  async #syncItem(
    partnerId: string,
    regionCode: '81' | '82',
    item: ValidItem,
    link: PartnerExpertLink | undefined,
    current: ExpertRecord | undefined,
  ): Promise<PartnerExpertSyncResultModel> {
    const { repos } = this.ctx;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#apply(partnerId, regionCode, item, link, current);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== ErrorCode.CONFLICT || attempt >= SYNC_ATTEMPTS) throw error;
        const fresh = await repos.partnerExperts.link(partnerId, item.externalId);
        // A phone number taken by another expert is the item's own conflict; a race shows as a new link or version.
        const race = error.retryable || error.field === 'externalId' || error.field === 'version' || (fresh && fresh.expertId !== link?.expertId);
        if (!race) throw error;
        link = fresh;
        current = fresh ? await repos.experts.getFresh(fresh.expertId) : undefined;
      }
    }
  }

  async #apply(
    partnerId: string,
    regionCode: '81' | '82',
    item: ValidItem,
    link: PartnerExpertLink | undefined,
    current: ExpertRecord | undefined,
  ): Promise<PartnerExpertSyncResultModel> {
    const { repos } = this.ctx;
    const decision = decideSync(item.hash, link);
    const done = (expert: ExpertRecord, status: PartnerExpertSyncStatus): PartnerExpertSyncResultModel => ({
      externalId: item.externalId,
      expert,
      status,
      field: null,
      reason: null,
    });
    const { fields } = item;
    const searchTerms = () => expertSearchTerms(fields);
    if (decision.kind === 'CREATE') {
      const now = this.ctx.now();
      const id = this.ctx.newId();
      const record: ExpertRecord = {
        id,
        userId: null,
        name: fields.name,
        title: fields.title,
        domains: fields.domains,
        keywords: fields.keywords,
        affiliation: fields.affiliation,
        organizationId: null,
        origin: originOfPartnerRegion(regionCode),
        languages: fields.languages,
        regionCode,
        serviceRegionCodes: fields.serviceRegionCodes,
        availability: 'AVAILABLE',
        maxOpenAssignments: DEFAULT_MAX_OPEN_ASSIGNMENTS,
        phone: fields.phone,
        idNumber: null,
        bio: fields.bio,
        email: fields.email,
        searchTerms: await searchTerms(),
        scopeOrganizationIds: [],
        teamIds: [],
        partnerId,
        externalId: item.externalId,
        consent: fields.consent,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      const guard = repos.partnerExperts.createOp({ partnerId, externalId: item.externalId, expertId: id, contentHash: item.hash });
      return done(await repos.experts.create(record, [guard]), 'CREATED');
    }
    if (!current)
      throw new AppError(ErrorCode.CONFLICT, `externalId ${item.externalId} is being removed; sync it again`, { field: 'externalId', retryable: true });
    if (decision.kind === 'UNCHANGED') return done(current, 'UNCHANGED');
    const rehash = repos.partnerExperts.rehashOp({ partnerId, externalId: item.externalId, expertId: current.id, contentHash: item.hash });
    const updated = await repos.experts.updateWithoutReload(current, { ...fields, searchTerms: await searchTerms() }, this.ctx.now(), [rehash]);
    return done(updated, 'UPDATED');
  }
}
