import type { NeedScope } from '../auth/policy.js';
import { PUBLISHED_STATUSES } from '../domain/needWorkflow.js';
import type { NeedRecord } from '../repositories/needs.js';

/** What the policy sees of a need: every service that returns or links a need decides on this. */
export const needScope = (n: NeedRecord): NeedScope => ({
  organizationPath: n.organizationPath,
  requesterUserId: n.requesterUserId,
  postedBy: n.postedBy,
  published: PUBLISHED_STATUSES.includes(n.status),
  dispatchedExpertIds: n.dispatchedExpertIds,
  acceptedExpertIds: n.acceptedExpertIds,
});
