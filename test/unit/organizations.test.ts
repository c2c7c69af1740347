import { describe, expect, it } from 'vitest';
import {
  checkLevel,
  checkParentRegion,
  checkPlacement,
  chooseParentId,
  newOrganizationRecord,
  parentRegionCandidates,
} from '../../functions/lib/domain/organizations.js';
import { getRegion, type Region } from '../../functions/lib/regions/index.js';

const region = (code: string) => getRegion(code) as Region;

describe('organization placement', () => {
  it("looks for an association's parent in the enclosing regions, nearest first", () => {
    expect(parentRegionCandidates('ASSOCIATION', region('440103001'))).toEqual(['440103', '4401', '44']);
    expect(parentRegionCandidates('ASSOCIATION', region('44'))).toEqual([]);
  });

  it("skips Dongguan's county-level code: a Dongguan town's candidates reach the city association", () => {
    expect(parentRegionCandidates('ASSOCIATION', region('441900003'))).toEqual(['441900', '4419', '44']);
  });

  it('looks for other organizations in their own region first', () => {
    expect(parentRegionCandidates('SOCIETY', region('4401'))).toEqual(['4401', '44']);
    expect(parentRegionCandidates('ENTERPRISE_ASSOCIATION', region('440606'))).toEqual(['440606', '4406', '44']);
  });

  it('keeps organizations in Guangdong and societies above township level', () => {
    expect(() => checkPlacement('ASSOCIATION', region('81'))).toThrow(/Guangdong/);
    expect(() => checkPlacement('SOCIETY', region('440103001'))).toThrow(/province, city and county level only/);
    expect(() => checkPlacement('SOCIETY', region('440103'))).not.toThrow();
  });
});

describe('Function: chooseParentId', () => {
  it('takes the association of the enclosing region when none is named', () => {
    expect(chooseParentId('ASSOCIATION', region('440103'), undefined, 'gz')).toBe('gz');
  });

  it('refuses to place an association or a society under another parent than the derived one', () => {
    expect(() => chooseParentId('ASSOCIATION', region('440104'), 'sz', 'gz')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'parentId' }));
    expect(() => chooseParentId('SOCIETY', region('4401'), 'sz', 'gz')).toThrow(expect.objectContaining({ field: 'parentId' }));
  });

  it('lets other kinds name a parent of their own', () => {
    expect(chooseParentId('ENTERPRISE_ASSOCIATION', region('440103'), 'gz', 'liwan')).toBe('gz');
  });

  it("gives the province's association no parent and refuses any other organization without one", () => {
    expect(chooseParentId('ASSOCIATION', region('44'), undefined, undefined)).toBeNull();
    expect(() => chooseParentId('ASSOCIATION', region('4401'), undefined, undefined)).toThrow(expect.objectContaining({ field: 'regionCode' }));
    expect(() => chooseParentId('SOCIETY', region('44'), undefined, undefined)).toThrow(/create it first/);
  });
});

describe('Function: checkParentRegion', () => {
  it("refuses a parent whose region does not contain the child's", () => {
    expect(() => checkParentRegion('4401', '440103')).not.toThrow();
    expect(() => checkParentRegion('4403', '440103')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'parentId' }));
  });
});

describe('Function: checkLevel', () => {
  it("refuses a level other than the region's and accepts none", () => {
    expect(() => checkLevel(undefined, region('440105'))).not.toThrow();
    expect(() => checkLevel('COUNTY', region('440105'))).not.toThrow();
    expect(() => checkLevel('CITY', region('440105'))).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'level' }));
  });
});

describe('Function: newOrganizationRecord', () => {
  const fields = { name: '荔湾区科协', kind: 'ASSOCIATION' as const, contactName: null, contactPhone: null, searchTerms: [], now: '2026-11-29T00:00:00.000Z' };

  it("takes its level and region from its region and extends its parent's path with its own id", () => {
    const record = newOrganizationRecord({ ...fields, id: 'o3', region: region('440103'), parent: { id: 'o2', path: ['o1', 'o2'] } });
    expect(record).toMatchObject({ level: 'COUNTY', regionCode: '440103', parentId: 'o2', path: ['o1', 'o2', 'o3'], version: 1 });
    expect(record.createdAt).toBe(fields.now);
    expect(record.updatedAt).toBe(fields.now);
  });

  it('starts a path of its own without a parent', () => {
    expect(newOrganizationRecord({ ...fields, id: 'o1', region: region('44'), parent: null })).toMatchObject({
      level: 'PROVINCE',
      parentId: null,
      path: ['o1'],
    });
  });
});
