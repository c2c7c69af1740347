import { describe, expect, it } from 'vitest';
import { entityKey, guardKey, indexKeysFor, indexPartition, indexSortKey, isKeyServed } from '../../functions/lib/data/keys.js';
import { Entity, isMainItem, needHistoryKey, timeSortKey } from '../../functions/lib/data/keys.js';
import { NO_REGION, isTermKey, termKey, termPartition } from '../../functions/lib/data/keys.js';

describe('keys', () => {
  it('names entity, guard and index keys', () => {
    expect(entityKey('ORG', 'a')).toEqual({ PK: 'ORG#a', SK: '#ORG' });
    expect(guardKey('EXPERT_PHONE', '13800138000')).toEqual({ PK: 'UNIQUE#EXPERT_PHONE#13800138000', SK: '#UNIQUE' });
    expect(indexPartition('ORG', {})).toBe('IX#ORG');
    expect(indexPartition('ORG', { parent: 'p', kind: 'SOCIETY' })).toBe('IX#ORG#kind=SOCIETY#parent=p');
    expect(indexSortKey('440103', 'x')).toBe('440103#x');
  });

  it('escapes separators in values so two filters never share a partition', () => {
    expect(indexPartition('ORG', { parent: 'a#level=CITY' })).not.toBe(indexPartition('ORG', { parent: 'a', level: 'CITY' }));
  });

  it('lists an organization under every subset of its dimensions (2^3 partitions)', () => {
    const keys = indexKeysFor('ORG', { kind: 'ASSOCIATION', level: 'CITY', parent: 'p' }, '4401#o1');
    expect(keys).toHaveLength(8);
    expect(new Set(keys.map((k) => k.PK)).size).toBe(8);
    expect(keys.every((k) => k.SK === '4401#o1')).toBe(true);
    expect(keys.map((k) => k.PK)).toContain(indexPartition('ORG', { kind: 'ASSOCIATION', parent: 'p' }));
  });

  it('gives a multi-valued dimension one set of subsets per value: (domains + 1) × 2 × 2 for an expert', () => {
    const keys = indexKeysFor('EXPERT', { domain: ['A', 'B', 'A'], origin: 'MACAO', title: 'ENGINEER' }, '820101#e');
    expect(keys).toHaveLength(12);
    for (const filter of [{}, { domain: 'B' }, { domain: 'A', origin: 'MACAO' }, { origin: 'MACAO', title: 'ENGINEER' }]) {
      expect(keys.map((k) => k.PK)).toContain(indexPartition('EXPERT', filter));
    }
  });

  it('lists a need under its families without duplicates: region lineage × status × (kind | domains), org path × status, requester × status', () => {
    const keys = indexKeysFor(
      'NEED',
      { region: ['44', '4401', '440103', '440103001'], status: 'OPEN', kind: 'TECHNOLOGY', domain: ['A', 'B'], org: ['gd', 'gz'], requester: 'u' },
      't#n',
    );
    // region 5 × status 2 × (none, kind, A, B) = 40; org 3 × status 2 = 6 (2 shared with the first); requester 2 × 2 = 4 (2 shared)
    expect(keys).toHaveLength(40 + 4 + 2);
    expect(new Set(keys.map((k) => k.PK)).size).toBe(keys.length);
    expect(keys.map((k) => k.PK)).toContain(indexPartition('NEED', { region: '4401', status: 'OPEN' }));
    expect(keys.map((k) => k.PK)).toContain(indexPartition('NEED', { region: '440103', domain: 'B', status: 'OPEN' }));
  });

  it('knows which filter combinations one Query serves', () => {
    expect(isKeyServed('NEED', ['region', 'status', 'domain'])).toBe(true);
    expect(isKeyServed('NEED', ['org', 'status'])).toBe(true);
    expect(isKeyServed('NEED', ['kind', 'domain'])).toBe(false);
    expect(isKeyServed('NEED', ['org', 'region'])).toBe(false);
  });

  it('skips absent dimensions', () => {
    expect(indexKeysFor('ORG', { kind: 'ASSOCIATION', level: 'PROVINCE', parent: null }, '44#root')).toHaveLength(4);
  });

  it('tells an entity’s main item from its index items and the other items of its partition, which may carry the same entity', () => {
    const [index] = indexKeysFor('NEED', { status: 'OPEN' }, timeSortKey('2026-03-01T00:00:00.000Z', 'n1'));
    expect(isMainItem('NEED', { ...entityKey('NEED', 'n1'), entity: Entity.NEED })).toBe(true);
    expect(isMainItem('NEED', { ...index, entity: Entity.NEED })).toBe(false);
    expect(isMainItem('NEED', { ...needHistoryKey('n1', '2026-03-01T00:00:00.000Z', 1), entity: Entity.NEED_EVENT })).toBe(false);
    expect(isMainItem('NEED', { ...entityKey('EXPERT', 'e1'), entity: Entity.EXPERT })).toBe(false);
    expect(isMainItem('NEED', undefined)).toBe(false);
  });
});

describe('Function: termKey', () => {
  it('puts the region first in the sort key, so a region subtree is one prefix, and encodes the term', () => {
    expect(termKey('荔枝', '440103001', 'NEED', 'n1')).toEqual({ PK: 'IX#TERM#荔枝', SK: '440103001#NEED#n1' });
    expect(termKey('c#', null, 'TECH', 't1')).toEqual({ PK: 'IX#TERM#c%23', SK: `${NO_REGION}#TECH#t1` });
    expect(termPartition('荔枝')).toBe('IX#TERM#荔枝');
  });

  it('tells term items from filter index items', () => {
    expect(isTermKey(termKey('荔枝', '44', 'EXPERT', 'e1'))).toBe(true);
    expect(isTermKey({ PK: 'IX#EXPERT#domain=AGRICULTURE', SK: '44#e1' })).toBe(false);
  });
});
