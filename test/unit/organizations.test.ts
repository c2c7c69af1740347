import { describe, expect, it } from 'vitest';
import { checkPlacement, parentRegionCandidates } from '../../functions/lib/domain/organizations.js';
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
