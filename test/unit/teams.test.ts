import { describe, expect, it } from 'vitest';
import { checkActions, checkSubTeamParent } from '../../functions/lib/domain/teams.js';

describe('Function: checkActions', () => {
  it('keeps each action once', () => {
    expect(checkActions(['POPULAR_SCIENCE', 'RURAL_REVITALIZATION', 'POPULAR_SCIENCE'])).toEqual(['POPULAR_SCIENCE', 'RURAL_REVITALIZATION']);
  });

  it('refuses a team without any of the five actions', () => {
    expect(() => checkActions([])).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'actions' }));
  });
});

describe('Function: checkSubTeamParent', () => {
  it('refuses a parent team of another organization', () => {
    expect(() => checkSubTeamParent({ organizationId: 'futian' }, 'futian')).not.toThrow();
    expect(() => checkSubTeamParent({ organizationId: 'liwan' }, 'futian')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'parentTeamId' }));
  });
});
