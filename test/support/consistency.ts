import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { localClient } from '../../infra/local/dynamoLocal.js';
import {
  ALL_TIME_BUCKET,
  Entity,
  isMainItem,
  keyString,
  memberGsi1,
  quarterBucket,
  serviceRecordGsi1,
  statsKey,
  type Key,
} from '../../functions/lib/data/keys.js';
import { needIndexKeys, type NeedRecord } from '../../functions/lib/repositories/needs.js';
import type { ExpertRecord } from '../../functions/lib/repositories/experts.js';
import type { TeamRecord } from '../../functions/lib/repositories/teams.js';
import type { ActivityRecord, ParticipationRecord } from '../../functions/lib/repositories/activities.js';
import { expertScope } from '../../functions/lib/domain/experts.js';
import { CAPACITY_HOLDING_STATUSES } from '../../functions/lib/domain/needWorkflow.js';
import { quarterOf } from '../../functions/lib/domain/service.js';
import { completionFigures } from '../../functions/lib/domain/serviceRecord.js';

type Item = Record<string, unknown>;

/** One broken invariant: which entity, and what is wrong with it. */
export interface Violation {
  entity: 'NEED' | 'MEMBERSHIP' | 'PARTICIPATION' | 'EXPERT' | 'TEAM' | 'STATS';
  id: string;
  problem: string;
}

/** Every item of the table, read with strong consistency (a test table is small). */
export async function scanTable(endpoint: string, tableName: string): Promise<Item[]> {
  const client = localClient(endpoint);
  const items: Item[] = [];
  try {
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    client.destroy();
  }
  return items;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
const countBy = <T>(xs: readonly T[], key: (x: T) => string[]) => {
  const counts = new Map<string, number>();
  for (const x of xs) for (const k of key(x)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
};

/**
 * Checks the invariants a write transaction keeps, over a whole table, and lists what is broken: what a
 * half-written need, membership or participation would leave behind.
 *
 * - Needs: every index item the need is listed under exists and no index item lists a need that does not
 *   claim it (a status moved half-way); one history item per step, the last one at the need's status; the
 *   quarterly "received" counters of its organization and ancestors count it; each expert's open
 *   assignments are the needs it accepted that are still accepted or in service.
 * - Memberships: each member item has its team and expert, the expert's team ids list exactly the teams it
 *   is a member of, its scope is its own organization path plus its teams' paths, and each team's member
 *   counter is its number of member items.
 * - Participations: each belongs to an existing activity and expert, carries the activity's organization and
 *   start (its service-record keys too), a check-out follows a check-in; an activity with a capacity counts its
 *   sign-ups and has no more than the capacity; completed activities' figures are in their organizations'
 *   quarterly and all-time counters.
 */
export function findViolations(items: readonly Item[]): Violation[] {
  const violations: Violation[] = [];
  const report = (entity: Violation['entity'], id: string, problem: string) => violations.push({ entity, id, problem });
  const byKey = new Map(items.map((i) => [keyString(i as unknown as Key), i]));
  const mains = <T>(type: 'NEED' | 'EXPERT' | 'TEAM' | 'ACTIVITY') => items.filter((i) => isMainItem(type, i)) as unknown as T[];
  const needs = mains<NeedRecord>('NEED');
  const experts = mains<ExpertRecord>('EXPERT');
  const teams = mains<TeamRecord>('TEAM');
  const activities = mains<ActivityRecord>('ACTIVITY');
  const expertById = new Map(experts.map((e) => [e.id, e]));
  const teamById = new Map(teams.map((t) => [t.id, t]));
  const activityById = new Map(activities.map((a) => [a.id, a]));
  const orgPathById = new Map(items.filter((i) => isMainItem('ORG', i)).map((o) => [String(o.id), (o.path as string[] | undefined) ?? []]));

  // Needs: index items, history, counters.
  const claimed = new Set<string>();
  for (const need of needs) {
    for (const key of needIndexKeys(need)) {
      claimed.add(keyString(key));
      const index = byKey.get(keyString(key));
      if (!index || index.id !== need.id) report('NEED', need.id, `index item ${key.PK} is missing`);
    }
    const history = items.filter((i) => i.entity === Entity.NEED_EVENT && i.PK === `NEED#${need.id}`).sort((a, b) => String(a.SK).localeCompare(String(b.SK)));
    if (history.length !== need.historyCount + 1) report('NEED', need.id, `${history.length} history items for historyCount ${need.historyCount}`);
    if (history.at(-1)?.to !== need.status) report('NEED', need.id, `last history step is to ${String(history.at(-1)?.to)}, the need is ${need.status}`);
  }
  for (const item of items) {
    if (!String(item.PK).startsWith('IX#NEED#') || claimed.has(keyString(item as unknown as Key))) continue;
    report('NEED', String(item.id), `index item ${String(item.PK)} lists a need that is not (or no longer) under it`);
  }
  const received = countBy(needs, (n) => n.organizationPath.map((org) => keyString(statsKey(org, quarterBucket(quarterOf(n.createdAt), 'NEEDS')))));
  const counted = items.filter((i) => String(i.PK).startsWith('STATS#') && String(i.SK).endsWith('#NEEDS'));
  for (const key of new Set([...received.keys(), ...counted.map((i) => keyString(i as unknown as Key))])) {
    const stored = Number(byKey.get(key)?.received ?? 0);
    if (stored !== (received.get(key) ?? 0))
      report('STATS', key.replace('\u0000', ' '), `received is ${stored}, ${received.get(key) ?? 0} needs were submitted`);
  }
  const holding = countBy(
    needs.filter((n) => CAPACITY_HOLDING_STATUSES.includes(n.status)),
    (n) => n.acceptedExpertIds,
  );
  for (const expert of experts) {
    const open = expert.openAssignments ?? 0;
    if (open !== (holding.get(expert.id) ?? 0))
      report('EXPERT', expert.id, `openAssignments is ${open}, ${holding.get(expert.id) ?? 0} accepted needs hold it`);
  }

  // Memberships: member items, the expert's team ids and scope, the team's counter.
  const members = items.filter((i) => i.entity === Entity.MEMBER);
  const teamsOf = new Map<string, string[]>();
  for (const m of members) {
    const teamId = String(m.teamId);
    const expertId = String(m.expertId);
    const id = `${teamId}/${expertId}`;
    teamsOf.set(expertId, [...(teamsOf.get(expertId) ?? []), teamId]);
    if (!teamById.has(teamId)) report('MEMBERSHIP', id, 'its team does not exist');
    const expert = expertById.get(expertId);
    if (!expert) report('MEMBERSHIP', id, 'its expert does not exist');
    else if (!(expert.teamIds ?? []).includes(teamId)) report('MEMBERSHIP', id, "the expert's teamIds do not list the team");
    const gsi = memberGsi1(teamId, expertId);
    if (m.GSI1PK !== gsi.GSI1PK || m.GSI1SK !== gsi.GSI1SK) report('MEMBERSHIP', id, 'its GSI1 keys do not list it under the expert');
  }
  for (const expert of experts) {
    const memberOf = teamsOf.get(expert.id) ?? [];
    for (const teamId of expert.teamIds ?? []) {
      if (!memberOf.includes(teamId)) report('MEMBERSHIP', `${teamId}/${expert.id}`, "the expert's teamIds list the team but there is no member item");
    }
    const own = expert.organizationId ? (orgPathById.get(expert.organizationId) ?? []) : [];
    const scope = expertScope(
      own,
      memberOf.map((t) => teamById.get(t)?.organizationPath ?? []),
    );
    if (!sameSet(expert.scopeOrganizationIds, scope)) {
      report('EXPERT', expert.id, `scope [${expert.scopeOrganizationIds.join(', ')}] is not its organizations' and teams' [${scope.join(', ')}]`);
    }
  }
  const memberCounts = countBy(members, (m) => [String(m.teamId)]);
  for (const team of teams) {
    if ((team.memberCount ?? 0) !== (memberCounts.get(team.id) ?? 0)) {
      report('TEAM', team.id, `memberCount is ${team.memberCount ?? 0}, it has ${memberCounts.get(team.id) ?? 0} member items`);
    }
  }

  // Participations, and completed activities' figures in the counters.
  const participations = items.filter((i) => i.entity === Entity.PARTICIPATION) as unknown as Array<ParticipationRecord & Item>;
  for (const p of participations) {
    const id = `${p.activityId}/${p.expertId}`;
    const activity = activityById.get(p.activityId);
    if (!activity) report('PARTICIPATION', id, 'its activity does not exist');
    else if (p.organizationId !== activity.organizationId || p.activityStartAt !== activity.startAt) {
      report('PARTICIPATION', id, "its organization or start is not its activity's");
    }
    if (!expertById.has(p.expertId)) report('PARTICIPATION', id, 'its expert does not exist');
    const gsi = serviceRecordGsi1(p.expertId, p.activityStartAt, p.activityId);
    if (p.GSI1PK !== gsi.GSI1PK || p.GSI1SK !== gsi.GSI1SK) report('PARTICIPATION', id, "its GSI1 keys do not list it in the expert's service record");
    if (p.checkOutAt && !p.checkInAt) report('PARTICIPATION', id, 'checked out without a check-in');
  }
  const signedUp = countBy(participations, (p) => [p.activityId]);
  for (const activity of activities.filter((a) => a.capacity != null)) {
    const count = signedUp.get(activity.id) ?? 0;
    if (activity.signedUpCount !== count)
      report('PARTICIPATION', activity.id, `signedUpCount is ${String(activity.signedUpCount)}, ${count} volunteers signed up`);
    if (count > (activity.capacity as number))
      report('PARTICIPATION', activity.id, `${count} volunteers signed up, over the capacity of ${String(activity.capacity)}`);
  }
  const expected = new Map<string, Record<string, number>>();
  for (const activity of activities.filter((a) => a.status === 'COMPLETED')) {
    const figures = completionFigures(
      participations.filter((p) => p.activityId === activity.id),
      activity.beneficiaries ?? 0,
    );
    for (const org of activity.organizationPath) {
      for (const bucket of [quarterBucket(quarterOf(activity.endAt), activity.action), ALL_TIME_BUCKET]) {
        const key = keyString(statsKey(org, bucket));
        const sum = expected.get(key) ?? {};
        for (const [name, value] of Object.entries(figures)) sum[name] = (sum[name] ?? 0) + value;
        expected.set(key, sum);
      }
    }
  }
  const activityCounters = items.filter((i) => String(i.PK).startsWith('STATS#') && !String(i.SK).endsWith('#NEEDS'));
  for (const key of new Set([...expected.keys(), ...activityCounters.map((i) => keyString(i as unknown as Key))])) {
    const stored = byKey.get(key) ?? {};
    for (const [name, value] of Object.entries(expected.get(key) ?? { activities: 0 })) {
      if (Math.abs(Number(stored[name] ?? 0) - value) > 1e-9)
        report('STATS', key.replace('\u0000', ' '), `${name} is ${Number(stored[name] ?? 0)}, expected ${value}`);
    }
  }
  return violations;
}

/** Scans the table and lists the broken invariants (see findViolations). */
export async function checkConsistency(endpoint: string, tableName: string): Promise<Violation[]> {
  return findViolations(await scanTable(endpoint, tableName));
}
