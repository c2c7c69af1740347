import { describe, expect, it } from 'vitest';
import { marshall } from '@aws-sdk/util-dynamodb';
import { matchesPattern, passesFilters } from '../../infra/local/eventPattern.js';
import { Entity, entityKey, indexKeysFor, needHistoryKey, needStreamFilter, timeSortKey } from '../../functions/lib/data/keys.js';

/** A stream record in the shape Lambda's event filtering sees it. */
const record = (item: Record<string, unknown> | null, old: Record<string, unknown> | null, eventName = 'MODIFY') => {
  const image = item ?? old ?? {};
  return {
    eventName,
    dynamodb: {
      Keys: marshall({ PK: image.PK, SK: image.SK }),
      ...(item && { NewImage: marshall(item, { removeUndefinedValues: true }) }),
      ...(old && { OldImage: marshall(old, { removeUndefinedValues: true }) }),
    },
  };
};

describe('Function: matchesPattern', () => {
  it('matches nested keys against an OR of exact strings', () => {
    const pattern = { dynamodb: { NewImage: { status: { S: ['OPEN', 'CLOSED'] } } } };
    expect(matchesPattern(pattern, { dynamodb: { NewImage: { status: { S: 'OPEN' } } } })).toBe(true);
    expect(matchesPattern(pattern, { dynamodb: { NewImage: { status: { S: 'CLOSED' } } } })).toBe(true);
    expect(matchesPattern(pattern, { dynamodb: { NewImage: { status: { S: 'SUBMITTED' } } } })).toBe(false);
  });

  it('refuses an event without a field the pattern names, or with another type there', () => {
    const pattern = { dynamodb: { NewImage: { entity: { S: ['NEED'] } } } };
    expect(matchesPattern(pattern, { dynamodb: { OldImage: { entity: { S: 'NEED' } } } })).toBe(false);
    expect(matchesPattern(pattern, { dynamodb: { NewImage: { entity: { N: '1' } } } })).toBe(false);
    expect(matchesPattern(pattern, { dynamodb: { NewImage: { entity: ['NEED'] } } })).toBe(false);
    expect(matchesPattern(pattern, { dynamodb: { NewImage: { entity: { S: 7 } } } })).toBe(false);
  });

  it('throws on an operator it does not evaluate, instead of ignoring it', () => {
    expect(() => matchesPattern({ status: [{ prefix: 'OP' }] }, { status: 'OPEN' })).toThrow(/unsupported leaf/);
    expect(() => matchesPattern({ count: [{ numeric: ['>', 1] }] }, { count: 2 })).toThrow(/unsupported leaf/);
    expect(() => matchesPattern({ status: 'OPEN' }, { status: 'OPEN' })).toThrow(/unsupported pattern/);
  });
});

describe('Function: passesFilters', () => {
  it('passes a record any pattern matches, and every record without patterns', () => {
    const a = { eventName: ['INSERT'] };
    const b = { eventName: ['REMOVE'] };
    expect(passesFilters([a, b], { eventName: 'REMOVE' })).toBe(true);
    expect(passesFilters([a, b], { eventName: 'MODIFY' })).toBe(false);
    expect(passesFilters(undefined, { eventName: 'MODIFY' })).toBe(true);
    expect(passesFilters([], { eventName: 'MODIFY' })).toBe(true);
  });

  it("passes a need's main item as written, not its index items, its history or its removal (needStreamFilter)", () => {
    const need = { ...entityKey('NEED', 'n1'), entity: Entity.NEED, id: 'n1', status: 'OPEN', createdAt: '2026-03-01T00:00:00.000Z' };
    const [indexKey] = indexKeysFor('NEED', { region: ['44'], status: 'OPEN', kind: 'TECHNOLOGY' }, timeSortKey(need.createdAt, need.id));
    expect(passesFilters([needStreamFilter], record(need, null, 'INSERT'))).toBe(true);
    expect(passesFilters([needStreamFilter], record(need, { ...need, status: 'SUBMITTED' }))).toBe(true);
    expect(passesFilters([needStreamFilter], record({ ...indexKey, entity: Entity.NEED, id: 'n1' }, null, 'INSERT'))).toBe(false);
    expect(passesFilters([needStreamFilter], record({ ...needHistoryKey('n1', need.createdAt, 1), entity: Entity.NEED_EVENT }, null, 'INSERT'))).toBe(false);
    expect(passesFilters([needStreamFilter], record(null, need, 'REMOVE'))).toBe(false);
  });
});
