import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import {
  GraphQLFloat,
  GraphQLInt,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  buildASTSchema,
  buildSchema,
  graphql,
  parse,
  validateSchema,
  introspectionFromSchema,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  printSchema,
} from 'graphql';
import { typeDefs } from '../../functions/lib/generated/graphql.js';
import { resolvers } from '../../functions/lib/resolvers/index.js';
import { schemaTypes } from '../../functions/lib/generated/schemaTypes.js';
import { buildExecutableSchema, decodeSchema, executableSchema } from '../../functions/lib/schema.js';

interface SchemaTypesPlugin {
  plugin: (schema: GraphQLSchema, documents?: unknown, config?: unknown, info?: { outputFile?: string }) => string;
}
const schemaTypesPlugin = createRequire(import.meta.url)('../../infra/codegen/schemaTypesPlugin.cjs') as SchemaTypesPlugin;
const encodedIn = (output: string) => /schemaTypes =\s*'([^']+)'/.exec(output)?.[1] ?? '';
/** What the plugin writes for `schema`, decoded again. */
const roundTrip = (schema: GraphQLSchema) => decodeSchema(encodedIn(schemaTypesPlugin.plugin(schema)));

describe('Function: buildExecutableSchema', () => {
  const reference = makeExecutableSchema({ typeDefs, resolvers });
  const built = executableSchema();

  it('builds the schema makeExecutableSchema builds: the same SDL, descriptions and introspection', () => {
    expect(printSchema(built)).toBe(printSchema(reference));
    expect(introspectionFromSchema(built)).toEqual(introspectionFromSchema(reference));
  });

  it('wires the same resolvers: fields, subscriptions, type resolution and scalars', () => {
    for (const [name, expected] of Object.entries(reference.getTypeMap())) {
      const actual = built.getType(name);
      if ((isObjectType(expected) || isInterfaceType(expected)) && (isObjectType(actual) || isInterfaceType(actual))) {
        for (const [field, config] of Object.entries(expected.getFields())) {
          const mine = actual.getFields()[field];
          // makeExecutableSchema binds a resolver function to its type's resolver object: compare what they print.
          expect([name, field, String(mine?.resolve), mine?.subscribe]).toEqual([name, field, String(config.resolve), config.subscribe]);
        }
      }
      if ((isInterfaceType(expected) || isUnionType(expected)) && (isInterfaceType(actual) || isUnionType(actual))) {
        expect([name, actual.resolveType]).toEqual([name, expected.resolveType]);
      }
      if (isScalarType(expected) && isScalarType(actual)) {
        const { serialize, parseValue, parseLiteral, description, specifiedByURL } = expected;
        expect(actual).toMatchObject({ serialize, parseValue, parseLiteral, description, specifiedByURL });
      }
    }
  });

  it('builds from the types codegen encoded at build time: the schema the SDL builds, descriptions included', () => {
    const decoded = decodeSchema(schemaTypes);
    const fromSdl = buildSchema(typeDefs);
    expect(printSchema(decoded)).toBe(printSchema(fromSdl));
    expect(introspectionFromSchema(decoded)).toEqual(introspectionFromSchema(fromSdl));
    expect(Object.keys(decoded.getTypeMap()).length).toBeGreaterThan(200);
    // Non-ASCII text (Chinese descriptions) survives the escaping.
    expect(printSchema(decoded)).toMatch(/[\u4e00-\u9fff]/);
  });

  it('encodes any schema the codegen plugin is given: every kind of type, default values, deprecations, non-ASCII text', () => {
    const sdl = `
      schema { query: Q mutation: M subscription: S }
      "日期 📅" scalar Day @specifiedBy(url: "https://example.org/day")
      "可節點" interface Node { id: ID! }
      interface Named implements Node { id: ID! name(locale: String = "zh-CN"): String }
      type Org implements Node & Named { id: ID! name(locale: String = "zh-CN"): String kind: Kind! @deprecated(reason: "舊") }
      type Person implements Node & Named { id: ID! name(locale: String = "zh-CN"): String day: Day }
      union Party = Org | Person
      enum Kind { "協會" A B @deprecated(reason: "No longer") C }
      input Filter { kinds: [Kind!] = [A, C] nested: Inner = { n: 2, tags: ["x"] } old: Int @deprecated(reason: "gone") }
      input Inner { n: Int = 1 tags: [String!]! = [] }
      input Pick @oneOf { id: ID name: String }
      type Q {
        "問題 🚀" parties(list: [Int] = [], f: Filter = {}, none: Int, nothing: Int = null, kind: Kind = B, old: Int @deprecated(reason: "舊")): [Party!]!
        pick(by: Pick!): Party
      }
      type M { rename(id: ID!, name: String!): Named }
      type S { renamed: Named! }`;
    const expected = buildSchema(sdl);
    const decoded = roundTrip(expected);
    expect(printSchema(decoded)).toBe(printSchema(expected));
    expect(introspectionFromSchema(decoded)).toEqual(introspectionFromSchema(expected));
    const defaults = (schema: GraphQLSchema) =>
      schema
        .getQueryType()
        ?.getFields()
        .parties?.args.map((a) => [a.name, a.defaultValue, a.deprecationReason]);
    expect(defaults(decoded)).toEqual(defaults(expected));
    // An input object's default gets its fields' defaults, as graphql fills them in.
    expect(defaults(decoded)).toEqual([
      ['list', [], undefined],
      ['f', { kinds: ['A', 'C'], nested: { n: 2, tags: ['x'] } }, undefined],
      ['none', undefined, undefined],
      ['nothing', null, undefined],
      ['kind', 'B', undefined],
      ['old', undefined, '舊'],
    ]);
    expect(decoded.getType('Pick')).toMatchObject({ isOneOf: true });
    expect(decoded.getType('Day')).toMatchObject({ specifiedByURL: 'https://example.org/day', description: '日期 📅' });
    expect(decoded.getPossibleTypes(decoded.getType('Named') as never).map((t) => t.name)).toEqual(['Org', 'Person']);
  });

  it('refuses at codegen what the encoding cannot carry, instead of dropping it', () => {
    expect(() => schemaTypesPlugin.plugin(buildSchema('directive @cost(n: Int) on FIELD_DEFINITION type Query { a: Int @cost(n: 1) }'))).toThrow(
      'the directive @cost is not encoded',
    );
    expect(() => schemaTypesPlugin.plugin(buildSchema('"The API" schema { query: Query } type Query { a: Int }'))).toThrow(
      'a schema description is not encoded',
    );
    const infinite = new GraphQLSchema({
      query: new GraphQLObjectType({ name: 'Query', fields: { a: { type: GraphQLInt, args: { x: { type: GraphQLFloat, defaultValue: Infinity } } } } }),
    });
    expect(() => schemaTypesPlugin.plugin(infinite)).toThrow('the default value of Query.a(x) is not JSON');
  });

  it('keeps the committed bytes when they decode to the same types (Brotli output may differ between versions)', () => {
    const schema = buildSchema('type Query { "問" a(n: Int = 1): Int }');
    const json = brotliDecompressSync(Buffer.from(encodedIn(schemaTypesPlugin.plugin(schema)), 'base64'));
    const other = brotliCompressSync(json, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }).toString('base64');
    const file = join(mkdtempSync(join(tmpdir(), 'kezhi-schema-')), 'schemaTypes.ts');
    writeFileSync(file, `export const schemaTypes =\n  '${other}';\n`);
    expect(encodedIn(schemaTypesPlugin.plugin(schema, [], {}, { outputFile: file }))).toBe(other);
    // A changed schema is encoded afresh.
    const changed = buildSchema('type Query { "問" a(n: Int = 2): Int }');
    expect(encodedIn(schemaTypesPlugin.plugin(changed, [], {}, { outputFile: file }))).not.toBe(other);
    expect(printSchema(decodeSchema(encodedIn(schemaTypesPlugin.plugin(changed, [], {}, { outputFile: file }))))).toBe(printSchema(changed));
  });

  it('binds a resolver function to its type resolver object, as makeExecutableSchema does', async () => {
    const Query = {
      name: () => 'Kezhi',
      greet(this: { name: () => string }) {
        return `hello ${this.name()}`;
      },
    };
    const schema = buildExecutableSchema('type Query { greet: String name: String }', { Query });
    expect(await graphql({ schema, source: '{ greet }' })).toEqual({ data: { greet: 'hello Kezhi' } });
  });

  it('builds a valid schema: validated in full here, since the function builds it with assumeValid', () => {
    // The function skips graphql's validateSchema at run time (assumeValid); this is where an invalid schema fails.
    expect(validateSchema(buildASTSchema(parse(typeDefs)))).toEqual([]);
    expect(validateSchema(built)).toEqual([]);
    // An invalid SDL is caught by the check above (an interface field missing from its implementation).
    expect(validateSchema(buildASTSchema(parse('interface I { a: Int } type T implements I { b: Int } type Query { t: T }')))).not.toEqual([]);
  });

  it('refuses resolvers for a type or a field the SDL does not declare', () => {
    expect(() => buildExecutableSchema('type Query { a: Int }', { Missing: { a: () => 1 } })).toThrow('"Missing" defined in resolvers, but not in schema');
    expect(() => buildExecutableSchema('type Query { a: Int }', { Query: { b: () => 1 } })).toThrow('Query.b defined in resolvers, but not in schema');
    expect(() => buildExecutableSchema('scalar Day type Query { a: Day }', { Day: { serialize: String } })).toThrow('must be a GraphQLScalarType');
    const day = new GraphQLScalarType({ name: 'Day', description: 'A day', serialize: () => 'today' });
    const schema = buildExecutableSchema('scalar Day type Query { a: Day }', { Day: day, Query: { a: () => 1 } });
    expect(schema.getType('Day')).toMatchObject({ description: 'A day', serialize: day.serialize });
  });
});
