import { entityKey } from '../data/keys.js';
import { recordOf, type ItemLoader } from '../data/loader.js';
import type { Store } from '../data/store.js';
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
}

/** Needs, their index items, history and stored matches. */
export class NeedRepository {
  constructor(
    protected readonly store: Store,
    protected readonly loader: ItemLoader,
  ) {}

  async get(id: string): Promise<NeedRecord | undefined> {
    const item = await this.loader.load(entityKey('NEED', id));
    return item ? recordOf<NeedRecord>(item) : undefined;
  }
}
