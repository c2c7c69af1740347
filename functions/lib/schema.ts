import { GraphQLScalarType, buildASTSchema, isInterfaceType, isObjectType, isScalarType, isUnionType, parse } from './graphqlRuntime.js';
import type { DocumentNode, GraphQLFieldConfig, GraphQLSchema, GraphQLTypeResolver } from 'graphql';
import { brotliDecompressSync } from 'node:zlib';
import { schemaDocument } from './generated/schemaDocument.js';
import { resolvers } from './resolvers/index.js';

let built: GraphQLSchema | undefined;

/**
 * The one executable schema (SDL + resolvers, scalars included), built once per cold start: Apollo serves
 * it over HTTP and the WebSocket path validates and executes subscription documents against it.
 */
export function executableSchema(): GraphQLSchema {
  built ??= buildExecutableSchema(decodeSchemaDocument(schemaDocument), resolvers);
  return built;
}

/**
 * The schema's document, parsed at build time (codegen: infra/codegen/schemaDocumentPlugin.cjs): one native Brotli
 * decompression and one JSON.parse, instead of lexing and parsing ~65 KB of SDL in JavaScript that a cold start runs
 * before V8 has optimized it (budget row 3, docs/performance.md). The JSON is ASCII (non-ASCII characters are escaped),
 * so Latin-1 decodes it. test/unit/schema.test.ts checks it is the SDL's.
 */
export function decodeSchemaDocument(encoded: string): DocumentNode {
  return JSON.parse(brotliDecompressSync(Buffer.from(encoded, 'base64')).toString('latin1')) as DocumentNode;
}

type FieldResolvers = Pick<GraphQLFieldConfig<unknown, unknown>, 'resolve' | 'subscribe'>;
type Resolve = NonNullable<FieldResolvers['resolve']>;

/**
 * The schema makeExecutableSchema (@graphql-tools/schema) builds from one printed SDL document (or that document already
 * parsed), at a fraction of the cold-start cost (budget row 3, docs/performance.md): SDL is parsed without locations,
 * the schema is built without SDL or schema validation (the generated SDL is validated by codegen, `npm run
 * codegen:check` and the schema tests), and the resolvers are attached to the built types in place instead of through a
 * copy of the whole schema. Resolvers for a type or field the SDL does not declare throw, as makeExecutableSchema's do.
 * test/unit/schema.test.ts checks the result against makeExecutableSchema's.
 */
export function buildExecutableSchema(sdl: string | DocumentNode, resolverMap: Record<string, object>): GraphQLSchema {
  // assumeValid: graphql's validateSchema (which Apollo runs on every operation's first validation, through
  // assertValidSchema) is recorded as passed without walking the ~280 types; test/unit/schema.test.ts validates the
  // same SDL built without it, so an invalid schema still fails CI.
  const document = typeof sdl === 'string' ? parse(sdl, { noLocation: true }) : sdl;
  const schema = buildASTSchema(document, { assumeValidSDL: true, assumeValid: true });
  for (const [typeName, value] of Object.entries(resolverMap)) {
    const type = schema.getType(typeName);
    if (!type) throw new Error(`"${typeName}" defined in resolvers, but not in schema`);
    if (isScalarType(type)) {
      if (!(value instanceof GraphQLScalarType)) throw new Error(`${typeName}: a scalar's resolver must be a GraphQLScalarType`);
      // As makeExecutableSchema does: the resolver's scalar behaviour (and description) replaces the SDL's, in place.
      Object.assign(type, {
        description: value.description ?? type.description,
        specifiedByURL: value.specifiedByURL ?? type.specifiedByURL,
        serialize: value.serialize,
        parseValue: value.parseValue,
        parseLiteral: value.parseLiteral,
        extensions: { ...type.extensions, ...value.extensions },
      });
    } else if (isObjectType(type) || isInterfaceType(type) || isUnionType(type)) {
      for (const [fieldName, resolver] of Object.entries(value as Record<string, unknown>)) {
        if (fieldName === '__resolveType' && !isObjectType(type)) {
          type.resolveType = resolver as GraphQLTypeResolver<unknown, unknown>;
          continue;
        }
        const field = isUnionType(type) ? undefined : type.getFields()[fieldName];
        if (!field) throw new Error(`${typeName}.${fieldName} defined in resolvers, but not in schema`);
        // A function is the field's resolve, bound to its type's resolver object as makeExecutableSchema binds it.
        Object.assign(field, typeof resolver === 'function' ? { resolve: (resolver as Resolve).bind(value) } : (resolver as FieldResolvers));
      }
    } else {
      throw new Error(`"${typeName}" defined in resolvers, but is not an object, interface, union or scalar type`);
    }
  }
  return schema;
}
