import { badInput } from '../errors.js';
import type { Action } from '../generated/graphql.js';

/** At least one of the five actions, each once (BAD_USER_INPUT on `actions`). */
export function checkActions(actions: readonly Action[]): Action[] {
  const unique = [...new Set(actions)];
  if (unique.length === 0) throw badInput('actions', 'Name at least one of the five actions the team focuses on');
  return unique;
}

/** A sub-team (分队) belongs to a team of the same organization (BAD_USER_INPUT on `parentTeamId`). */
export function checkSubTeamParent(parent: { organizationId: string }, organizationId: string): void {
  if (parent.organizationId !== organizationId) throw badInput('parentTeamId', 'A sub-team belongs to a team of the same organization');
}
