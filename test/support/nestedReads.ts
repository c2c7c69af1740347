/**
 * Background data for the nested-reads budget (issue 12, row 1), written straight through the repositories (no GraphQL,
 * no stream): open needs, each with ranked stored matches, over a pool of experts of a few organizations. Shared by the
 * integration test (test/integration/nestedReads.test.ts) and the benchmark (test/bench/budgets/01-nested-reads.ts).
 */
import type { AppDeps } from '../../functions/lib/context.js';
import { createRepositories } from '../../functions/lib/repositories/index.js';
import type { NeedMatchRecord, NeedRecord } from '../../functions/lib/repositories/needs.js';
import type { ExpertRecord } from '../../functions/lib/repositories/experts.js';
import { mapLimit } from '../../infra/local/seed.js';
import { untouchedNeedWorkflow } from '../../functions/lib/domain/needWorkflow.js';

/** The nested query of issue 12 (row 1), with `first` needs. */
export const nestedNeedsQuery = (first: number) =>
  `{ needs(first: ${first}) { edges { node { title requester { name } organization { name } ` +
  `matches(first: 3) { score expert { name organization { name } } } } } } }`;

export interface NestedSeed {
  needIds: string[];
  expertIds: string[];
}

/**
 * Writes `experts` experts (of `expertOrganizations` in turn) and `needs` OPEN needs of those
 * organizations, each with `matchesPerNeed` stored matches (ranks 1…n) over the pool in turn, so the matched experts of
 * the first page are all different up to the pool's size. `prefix` keeps ids apart between runs on one table.
 */
export async function seedNeedsWithMatches(
  deps: Pick<AppDeps, 'store'>,
  options: {
    prefix: string;
    /** Needs' organizations, in turn. */
    organizations: ReadonlyArray<{ id: string; path: string[] }>;
    /** Experts' organizations, in turn (others than the needs', so each level reads its own keys). */
    expertOrganizations: ReadonlyArray<{ id: string; path: string[] }>;
    experts: number;
    needs: number;
    matchesPerNeed: number;
  },
): Promise<NestedSeed> {
  const repos = createRepositories(deps.store);
  const { prefix, organizations } = options;
  const orgOf = (i: number) => organizations[i % organizations.length]!;
  const expertOrgOf = (i: number) => options.expertOrganizations[i % options.expertOrganizations.length]!;
  const start = Date.parse('2026-06-01T00:00:00Z');
  const expertIds = Array.from({ length: options.experts }, (_, i) => `${prefix}-expert-${i}`);
  await mapLimit(expertIds, 8, async (id, i) => {
    const now = new Date(start).toISOString();
    const expert: ExpertRecord = {
      id,
      userId: null,
      name: `专家${i}`,
      title: 'ENGINEER',
      domains: ['AGRICULTURE'],
      keywords: ['荔枝'],
      affiliation: null,
      organizationId: expertOrgOf(i).id,
      origin: 'MAINLAND',
      languages: ['MANDARIN'],
      regionCode: '440103',
      serviceRegionCodes: [],
      availability: 'AVAILABLE',
      maxOpenAssignments: 3,
      phone: `139${String(i).padStart(8, '0')}`,
      idNumber: null,
      bio: null,
      scopeOrganizationIds: expertOrgOf(i).path,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await repos.experts.create(expert);
  });
  const needIds = Array.from({ length: options.needs }, (_, i) => `${prefix}-need-${String(i).padStart(5, '0')}`);
  await mapLimit(needIds, 8, async (id, i) => {
    const at = new Date(start + i * 60_000).toISOString();
    const org = orgOf(i);
    const need: NeedRecord = {
      id,
      title: `需求${i}`,
      description: '荔枝园病虫害防治',
      kind: 'RURAL_REVITALIZATION',
      requester: { kind: 'COMMUNITY', name: `社区${i}`, organizationId: null, contactName: null, contactPhone: null },
      postedBy: `${prefix}-requester`,
      requesterUserId: null,
      domains: ['AGRICULTURE'],
      keywords: ['荔枝'],
      regionCode: '440103001',
      organizationId: org.id,
      organizationPath: org.path,
      urgency: 'NORMAL',
      desiredFrom: null,
      desiredTo: null,
      languages: [],
      status: 'OPEN',
      ...untouchedNeedWorkflow(),
      openedAt: at,
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    await repos.needs.create(need);
    const matches: NeedMatchRecord[] = Array.from({ length: options.matchesPerNeed }, (_, r) => ({
      needId: id,
      expertId: expertIds[(i * options.matchesPerNeed + r) % expertIds.length]!,
      score: Math.round((0.9 - r * 0.05) * 100) / 100,
      rank: r + 1,
      reasons: [{ factor: 'DOMAIN', score: 0.4, detail: 'AGRICULTURE' }],
    }));
    await repos.needs.putMatches(need, matches);
  });
  return { needIds, expertIds };
}
