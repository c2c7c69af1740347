import { describe, expect, it } from 'vitest';
import { childRegions, getRegion, isWithinRegion, regionCounts, regionLineage, requireRegion } from '../../functions/lib/regions/index.js';
import { AppError } from '../../functions/lib/errors.js';

describe('regions', () => {
  it('holds Guangdong with 21 cities, 124 county-level and 1,757 township-level divisions', () => {
    expect(regionCounts('44')).toEqual({ PROVINCE: 1, CITY: 21, COUNTY: 124, TOWNSHIP: 1757 });
  });

  it('holds Hong Kong (81) and Macao (82) with their districts', () => {
    expect(childRegions().map((r) => r.code)).toEqual(['44', '81', '82']);
    expect(childRegions('81').map((r) => r.name)).toEqual(['香港岛', '九龙', '新界']);
    expect(regionCounts('81').COUNTY).toBe(18);
    expect(regionCounts('82').COUNTY).toBe(7);
  });

  it('derives level and parent from the code', () => {
    expect(getRegion('440103001')).toEqual({ code: '440103001', name: '沙面街道', level: 'TOWNSHIP', parentCode: '440103' });
    expect(regionLineage('440103001').map((r) => r.code)).toEqual(['440103001', '440103', '4401', '44']);
    expect(getRegion('4419')?.name).toBe('东莞市');
    expect(childRegions('4419').map((r) => r.code)).toEqual(['441900']);
  });

  it('tests containment by prefix', () => {
    expect(isWithinRegion('440103001', '4401')).toBe(true);
    expect(isWithinRegion('440304', '4401')).toBe(false);
    expect(isWithinRegion('440199', '4401')).toBe(false);
  });

  it('refuses unknown codes with BAD_USER_INPUT on the given field', () => {
    expect(() => requireRegion('4499', 'filter.regionCode')).toThrow(AppError);
    try {
      requireRegion('x', 'filter.regionCode');
    } catch (error) {
      expect((error as AppError).field).toBe('filter.regionCode');
    }
  });
});
