import { describe, expect, it } from 'vitest';
import { GraphQLScalarType } from 'graphql';
import { mergeResolvers } from '../../functions/lib/resolvers/merge.js';
import { resolvers } from '../../functions/lib/resolvers/index.js';

describe('Function: mergeResolvers', () => {
  it('merges the fields of one type from several modules', () => {
    const a = () => 1;
    const b = () => 2;
    const merged = mergeResolvers([
      { name: 'need', resolvers: { Query: { need: a } } },
      { name: 'team', resolvers: { Query: { team: b } } },
    ]);
    expect(merged).toEqual({ Query: { need: a, team: b } });
  });

  it('keeps a scalar whole', () => {
    const scalar = new GraphQLScalarType({ name: 'Quarter' });
    expect(mergeResolvers([{ name: 'common', resolvers: { Quarter: scalar } }]).Quarter).toBe(scalar);
  });

  it('throws when two modules resolve the same field, naming both', () => {
    expect(() =>
      mergeResolvers([
        { name: 'expert', resolvers: { Expert: { name: () => 'a' } } },
        { name: 'need', resolvers: { Expert: { name: () => 'b' } } },
      ]),
    ).toThrow('Expert.name is resolved by both resolvers/expert.ts and resolvers/need.ts');
  });

  it('throws when two modules define the same scalar', () => {
    const scalar = new GraphQLScalarType({ name: 'Date' });
    expect(() =>
      mergeResolvers([
        { name: 'common', resolvers: { Date: scalar } },
        { name: 'x', resolvers: { Date: scalar } },
      ]),
    ).toThrow('Date is resolved by both');
  });

  it('builds the application resolver map without a field defined twice', () => {
    expect(Object.keys(resolvers)).toContain('Query');
  });
});
