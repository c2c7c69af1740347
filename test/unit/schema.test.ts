import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { makeExecutableSchema } from '@graphql-tools/schema';
import {
  GraphQLScalarType,
  buildASTSchema,
  buildSchema,
  graphql,
  type GraphQLSchema,
  parse,
  validateSchema,
  introspectionFromSchema,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  print,
  printSchema,
} from 'graphql';
import { typeDefs } from '../../functions/lib/generated/graphql.js';
import { resolvers } from '../../functions/lib/resolvers/index.js';
import { schemaDocument } from '../../functions/lib/generated/schemaDocument.js';
import { buildExecutableSchema, decodeSchemaDocument, executableSchema } from '../../functions/lib/schema.js';

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

  it('builds from the document codegen parsed at build time: what parsing the SDL gives, descriptions included', () => {
    const decoded = decodeSchemaDocument(schemaDocument);
    // The same document, printed (the encoded one leaves out empty optional lists, which print as absent).
    expect(print(decoded)).toBe(print(parse(typeDefs)));
    expect(decoded.definitions.length).toBeGreaterThan(200);
    // Non-ASCII text (Chinese descriptions) survives the escaping.
    expect(print(decoded)).toMatch(/[\u4e00-\u9fff]/);
    // A string and its parsed document build the same schema.
    expect(printSchema(buildExecutableSchema(decoded, {}))).toBe(printSchema(buildExecutableSchema(typeDefs, {})));
  });

  it('encodes any schema the codegen plugin is given: empty default lists and objects, non-ASCII text, directives', () => {
    const plugin = createRequire(import.meta.url)('../../infra/codegen/schemaDocumentPlugin.cjs') as { plugin: (schema: GraphQLSchema) => string };
    const sdl = 'input F { a: Int } type Query { "問題 🚀" q(list: [Int] = [], f: F = {}, old: Int @deprecated(reason: "舊")): [Int] }';
    const encoded = /schemaDocument =\s*'([^']+)'/.exec(plugin.plugin(buildSchema(sdl)))?.[1] ?? '';
    const schema = buildASTSchema(decodeSchemaDocument(encoded));
    expect(printSchema(schema)).toBe(printSchema(buildSchema(sdl)));
    expect(
      schema
        .getQueryType()
        ?.getFields()
        .q?.args.map((a) => [a.name, a.defaultValue, a.deprecationReason]),
    ).toEqual([
      ['list', [], undefined],
      ['f', {}, undefined],
      ['old', undefined, '舊'],
    ]);
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
