import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkCapacity, checkLanguages, checkServiceRegions, expertScope, withTeam, withoutTeam } from '../../functions/lib/domain/experts.js';

const badInputOn = (field: string) => expect.objectContaining({ code: 'BAD_USER_INPUT', field });

describe('Function: checkLanguages', () => {
  it('keeps each language once', () => {
    expect(checkLanguages(['CANTONESE', 'MANDARIN', 'CANTONESE'])).toEqual(['CANTONESE', 'MANDARIN']);
  });

  it('refuses an empty list', () => {
    expect(() => checkLanguages([])).toThrow(badInputOn('languages'));
  });
});

describe('Function: checkServiceRegions', () => {
  it('keeps each known region once', () => {
    expect(checkServiceRegions(['4401', '440103', '4401'])).toEqual(['4401', '440103']);
  });

  it('refuses an unknown code, naming serviceRegionCodes', () => {
    expect(() => checkServiceRegions(['4401', 'x'])).toThrow(badInputOn('serviceRegionCodes'));
  });
});

describe('Function: checkCapacity', () => {
  it.each([1, 3, 50])('accepts %s', (n) => {
    expect(checkCapacity(n)).toBe(n);
  });

  it.each([0, -1, 51, 2.5])('refuses %s', (n) => {
    expect(() => checkCapacity(n)).toThrow(badInputOn('maxOpenAssignments'));
  });
});

describe('Function: expertScope', () => {
  it("joins the own organization's path and the teams' organization paths, each id once", () => {
    expect(
      expertScope(
        ['gd', 'gz', 'liwan'],
        [
          ['gd', 'sz'],
          ['gd', 'gz'],
        ],
      ),
    ).toEqual(['gd', 'gz', 'liwan', 'sz']);
  });

  it('is empty for an expert without organization or team', () => {
    expect(expertScope([], [])).toEqual([]);
  });

  it('holds exactly the ids of the own path and of every team path, whatever their order', () => {
    const path = fc.array(fc.constantFrom('gd', 'gz', 'sz', 'liwan', 'futian'), { maxLength: 4 });
    fc.assert(
      fc.property(path, fc.array(path, { maxLength: 5 }), (own, teams) => {
        const scope = expertScope(own, teams);
        expect(new Set(scope)).toEqual(new Set([...own, ...teams.flat()]));
        expect(scope).toHaveLength(new Set(scope).size);
        expect(new Set(expertScope(own, [...teams].reverse()))).toEqual(new Set(scope));
      }),
    );
  });
});

describe('Functions: withTeam and withoutTeam', () => {
  it('adds a team once and removes it wholly', () => {
    expect(withTeam(['a'], 'b')).toEqual(['a', 'b']);
    expect(withTeam(['a', 'b'], 'b')).toEqual(['a', 'b']);
    expect(withoutTeam(['a', 'b'], 'a')).toEqual(['b']);
    expect(withoutTeam(['a'], 'c')).toEqual(['a']);
  });

  it('commutes: two changes of different teams give the same ids in either order (so a retried change loses nothing)', () => {
    const ids = fc.uniqueArray(fc.constantFrom('t1', 't2', 't3', 't4'), { maxLength: 4 });
    const change = fc.tuple(fc.boolean(), fc.constantFrom('t1', 't2', 't3', 't4'));
    fc.assert(
      fc.property(ids, change, change, (start, [joinA, a], [joinB, b]) => {
        fc.pre(a !== b);
        const apply = (list: string[], join: boolean, team: string) => (join ? withTeam(list, team) : withoutTeam(list, team));
        const ab = apply(apply(start, joinA, a), joinB, b);
        const ba = apply(apply(start, joinB, b), joinA, a);
        expect(new Set(ab)).toEqual(new Set(ba));
      }),
    );
  });
});
