import { describe, expect, it } from 'vitest';
import { planNeedQuery, type NeedFilter } from '../../functions/lib/repositories/needs.js';

// Index families of needs (keys.ts): region+status+kind, region+status+domain, org+status, requester+status.
// Residual conditions test the immutable attributes that index items carry.
const REGION = { expression: 'begins_with(#rc, :rc)', names: { '#rc': 'regionCode' } };
const ORG = { expression: 'contains(#op, :op)', names: { '#op': 'organizationPath' } };
const KIND = { expression: '#kd = :kd', names: { '#kd': 'kind' } };
const DOMAIN = { expression: 'contains(#dm, :dm)', names: { '#dm': 'domains' } };

describe('Function: planNeedQuery', () => {
  describe('one partition, no residual filter, for every combination a family serves', () => {
    const served: Array<[string, NeedFilter, string]> = [
      ['no filter: every need', {}, 'IX#NEED'],
      ['status', { status: 'OPEN' }, 'IX#NEED#status=OPEN'],
      ['region subtree', { regionCode: '4401' }, 'IX#NEED#region=4401'],
      ['region + status', { regionCode: '4401', status: 'OPEN' }, 'IX#NEED#region=4401#status=OPEN'],
      ['region + status + kind', { regionCode: '4401', status: 'OPEN', kind: 'TRAINING' }, 'IX#NEED#region=4401#kind=TRAINING#status=OPEN'],
      ['region + status + domain', { regionCode: '440103', status: 'DISPATCHED', domain: 'ENERGY' }, 'IX#NEED#region=440103#domain=ENERGY#status=DISPATCHED'],
      ['kind alone', { kind: 'TALENT' }, 'IX#NEED#kind=TALENT'],
      ['domain + status', { domain: 'MEDICINE', status: 'OPEN' }, 'IX#NEED#domain=MEDICINE#status=OPEN'],
      ['organization subtree', { organizationId: 'org-gz' }, 'IX#NEED#org=org-gz'],
      ['organization + status', { organizationId: 'org-gz', status: 'SUBMITTED' }, 'IX#NEED#org=org-gz#status=SUBMITTED'],
      ["a requester's own needs", { requesterUserId: 'user-1' }, 'IX#NEED#requester=user-1'],
      ["a requester's own needs in one status", { requesterUserId: 'user-1', status: 'RATED' }, 'IX#NEED#requester=user-1#status=RATED'],
    ];

    it.each(served)('%s', (_name, filter, partition) => {
      expect(planNeedQuery(filter)).toEqual({ partition });
    });
  });

  it('writes the dimensions in their fixed order whatever the order of the filter', () => {
    const plan = planNeedQuery({ regionCode: '4401', kind: 'TRAINING', status: 'OPEN' });
    expect(planNeedQuery({ status: 'OPEN', kind: 'TRAINING', regionCode: '4401' })).toEqual(plan);
  });

  it('escapes separators in values, so a value cannot forge another partition', () => {
    expect(planNeedQuery({ requesterUserId: 'a#b=c%' }).partition).toBe('IX#NEED#requester=a%23b%3Dc%25');
  });

  it('treats empty values as absent', () => {
    expect(planNeedQuery({ regionCode: '', organizationId: null, status: null })).toEqual({ partition: 'IX#NEED' });
  });

  describe('the largest served subset goes in the key, the rest becomes a residual filter', () => {
    it('region + kind + domain: region and kind in the key (first of two equal candidates), domain residual', () => {
      expect(planNeedQuery({ regionCode: '4401', kind: 'TECHNOLOGY', domain: 'AGRICULTURE' })).toEqual({
        partition: 'IX#NEED#region=4401#kind=TECHNOLOGY',
        filter: { ...DOMAIN, values: { ':dm': 'AGRICULTURE' } },
      });
    });

    it('region + kind + domain + status: three dimensions in the key, domain residual', () => {
      expect(planNeedQuery({ regionCode: '4401', kind: 'TECHNOLOGY', domain: 'AGRICULTURE', status: 'OPEN' })).toEqual({
        partition: 'IX#NEED#region=4401#kind=TECHNOLOGY#status=OPEN',
        filter: { ...DOMAIN, values: { ':dm': 'AGRICULTURE' } },
      });
    });

    it('kind + domain (no family has both): domain in the key, kind residual', () => {
      expect(planNeedQuery({ kind: 'TRAINING', domain: 'ENERGY' })).toEqual({
        partition: 'IX#NEED#domain=ENERGY',
        filter: { ...KIND, values: { ':kd': 'TRAINING' } },
      });
    });

    it('organization + kind + domain + status: organization and status in the key, kind and domain residual, in dimension order', () => {
      expect(planNeedQuery({ organizationId: 'org-gz', kind: 'TRAINING', domain: 'ENERGY', status: 'OPEN' })).toEqual({
        partition: 'IX#NEED#org=org-gz#status=OPEN',
        filter: {
          expression: `${KIND.expression} AND ${DOMAIN.expression}`,
          names: { ...KIND.names, ...DOMAIN.names },
          values: { ':kd': 'TRAINING', ':dm': 'ENERGY' },
        },
      });
    });

    it('organization + region + status (an admin narrowing its subtree): organization in the key, region residual', () => {
      expect(planNeedQuery({ organizationId: 'org-gz', regionCode: '440103', status: 'OPEN' })).toEqual({
        partition: 'IX#NEED#org=org-gz#status=OPEN',
        filter: { ...REGION, values: { ':rc': '440103' } },
      });
    });

    it('region + organization + kind + domain: every residual condition at once', () => {
      expect(planNeedQuery({ regionCode: '4401', organizationId: 'org-gz', kind: 'TRAINING', domain: 'ENERGY', status: 'OPEN' })).toEqual({
        partition: 'IX#NEED#region=4401#kind=TRAINING#status=OPEN',
        filter: {
          expression: `${ORG.expression} AND ${DOMAIN.expression}`,
          names: { ...ORG.names, ...DOMAIN.names },
          values: { ':op': 'org-gz', ':dm': 'ENERGY' },
        },
      });
    });
  });

  describe('between subsets of equal size, the more selective dimension wins: requester, org, region, domain, kind, status', () => {
    it('requester over organization', () => {
      expect(planNeedQuery({ requesterUserId: 'user-1', organizationId: 'org-gz', status: 'OPEN' })).toEqual({
        partition: 'IX#NEED#requester=user-1#status=OPEN',
        filter: { ...ORG, values: { ':op': 'org-gz' } },
      });
    });

    it('organization over region', () => {
      expect(planNeedQuery({ regionCode: '4401', organizationId: 'org-gz' })).toEqual({
        partition: 'IX#NEED#org=org-gz',
        filter: { ...REGION, values: { ':rc': '4401' } },
      });
    });

    it('requester always in the key (index items do not carry it), even against a larger subset', () => {
      expect(planNeedQuery({ requesterUserId: 'user-1', regionCode: '4401', kind: 'TALENT', status: 'OPEN' })).toEqual({
        partition: 'IX#NEED#requester=user-1#status=OPEN',
        filter: {
          expression: `${REGION.expression} AND ${KIND.expression}`,
          names: { ...REGION.names, ...KIND.names },
          values: { ':rc': '4401', ':kd': 'TALENT' },
        },
      });
    });
  });
});
