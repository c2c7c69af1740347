import {
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLUnionType,
  buildASTSchema,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  parse,
  specifiedDirectives,
  specifiedScalarTypes,
} from './graphqlRuntime.js';
import type {
  GraphQLArgumentConfig,
  GraphQLEnumValueConfigMap,
  GraphQLFieldConfig,
  GraphQLFieldConfigMap,
  GraphQLNamedType,
  GraphQLType,
  GraphQLTypeResolver,
} from 'graphql';
import { brotliDecompressSync } from 'node:zlib';
import { schemaTypes } from './generated/schemaTypes.js';
import { resolvers } from './resolvers/index.js';

let built: GraphQLSchema | undefined;

/**
 * The one executable schema (SDL + resolvers, scalars included), built once per cold start: Apollo serves
 * it over HTTP and the WebSocket path validates and executes subscription documents against it.
 */
export function executableSchema(): GraphQLSchema {
  built ??= buildExecutableSchema(decodeSchema(schemaTypes), resolvers);
  return built;
}

/** A type reference as graphql prints it: `Need`, `[ID!]!`. */
type TypeRef = string;
/** An argument or an input field: name, type, description, default value (boxed: `[value]`), deprecation reason. */
type EncodedArgument = [name: string, type: TypeRef, description?: string | null, defaultValue?: [unknown] | null, deprecationReason?: string | null];
/** A field of an object or interface type. */
type EncodedField = [name: string, type: TypeRef, description?: string | null, args?: EncodedArgument[] | null, deprecationReason?: string | null];
type EncodedEnumValue = [name: string, description?: string | null, deprecationReason?: string | null];
/** A named type, by kind (0 scalar, 1 object, 2 interface, 3 union, 4 enum, 5 input object). */
type EncodedType =
  | [kind: 0, name: string, description?: string | null, specifiedByURL?: string | null]
  | [kind: 1 | 2, name: string, description: string | null, fields: EncodedField[], interfaces?: string[] | null]
  | [kind: 3, name: string, description: string | null, members: string[]]
  | [kind: 4, name: string, description: string | null, values: EncodedEnumValue[]]
  | [kind: 5, name: string, description: string | null, fields: EncodedArgument[], oneOf?: 1 | null];

/**
 * The schema's types in the compact form codegen writes (infra/codegen/schemaTypesPlugin.cjs): the root type names
 * (query, mutation, subscription) and every named type but graphql's own, in the schema's order. Absent trailing
 * entries of a tuple are left out.
 */
export interface EncodedSchema {
  roots: [query: string, mutation?: string | null, subscription?: string | null];
  types: EncodedType[];
}

/**
 * The schema (without resolvers) from its types as codegen encoded them (`schemaTypes`: Brotli-compressed ASCII JSON,
 * base64; infra/codegen/schemaTypesPlugin.cjs), built with graphql's type constructors. A cold start decodes one small
 * JSON value and constructs the ~280 types, instead of lexing and parsing ~65 KB of SDL, or decoding and walking a parsed
 * document, in JavaScript V8 has not optimized yet (budget row 3, docs/performance.md). What it leaves out are the AST
 * nodes (`astNode`), which nothing here reads. Built as valid (`assumeValid`): graphql records it as validated, so
 * Apollo's `assertValidSchema` and graphql's check before the first validation do not walk the types again;
 * test/unit/schema.test.ts validates the same SDL in full, so an invalid schema still fails CI.
 */
export function decodeSchema(encoded: string): GraphQLSchema {
  const { roots, types } = JSON.parse(brotliDecompressSync(Buffer.from(encoded, 'base64')).toString('latin1')) as EncodedSchema;
  const named = new Map<string, GraphQLNamedType>(specifiedScalarTypes.map((type) => [type.name, type]));
  const typeOf = (name: string): GraphQLNamedType => {
    const type = named.get(name);
    if (!type) throw new Error(`the encoded schema refers to an undefined type ${name}`);
    return type;
  };
  const refOf = (ref: TypeRef): GraphQLType => {
    if (ref.endsWith('!')) return new GraphQLNonNull(refOf(ref.slice(0, -1)));
    if (ref.startsWith('[')) return new GraphQLList(refOf(ref.slice(1, -1)));
    return typeOf(ref);
  };
  // Type references resolve once every named type exists: graphql calls these thunks when the schema collects its types.
  const argumentsOf = (encodedArguments: EncodedArgument[] | null | undefined) => {
    const config: Record<string, GraphQLArgumentConfig> = {};
    for (const [name, type, description, defaultValue, deprecationReason] of encodedArguments ?? []) {
      config[name] = { type: refOf(type) as GraphQLArgumentConfig['type'], description, defaultValue: defaultValue?.[0], deprecationReason };
    }
    return config;
  };
  const fieldsOf = (fields: EncodedField[]) => () => {
    const config: GraphQLFieldConfigMap<unknown, unknown> = {};
    for (const [name, type, description, args, deprecationReason] of fields) {
      config[name] = { type: refOf(type) as GraphQLFieldConfig<unknown, unknown>['type'], description, args: argumentsOf(args), deprecationReason };
    }
    return config;
  };
  const interfacesOf = (names: string[] | null | undefined) => () => (names ?? []).map((name) => typeOf(name) as GraphQLInterfaceType);
  // One named type, its references left to the thunks above.
  const namedType = (encoded: EncodedType): GraphQLNamedType => {
    switch (encoded[0]) {
      case 0:
        return new GraphQLScalarType({ name: encoded[1], description: encoded[2], specifiedByURL: encoded[3] });
      case 1:
      case 2: {
        const [kind, name, description, fields, interfaces] = encoded;
        const config = { name, description, fields: fieldsOf(fields), interfaces: interfacesOf(interfaces) };
        return kind === 1 ? new GraphQLObjectType(config) : new GraphQLInterfaceType(config);
      }
      case 3: {
        const [, name, description, members] = encoded;
        return new GraphQLUnionType({ name, description, types: () => members.map((member) => typeOf(member) as GraphQLObjectType) });
      }
      case 4: {
        const [, name, description, encodedValues] = encoded;
        const values: GraphQLEnumValueConfigMap = {};
        for (const [value, valueDescription, deprecationReason] of encodedValues) values[value] = { value, description: valueDescription, deprecationReason };
        return new GraphQLEnumType({ name, description, values });
      }
      case 5: {
        const [, name, description, fields, oneOf] = encoded;
        return new GraphQLInputObjectType({ name, description, fields: () => argumentsOf(fields), isOneOf: oneOf === 1 });
      }
    }
  };
  const order: GraphQLNamedType[] = [];
  for (const encoded of types) {
    const type = namedType(encoded);
    named.set(type.name, type);
    order.push(type);
  }
  const [query, mutation, subscription] = roots;
  return new GraphQLSchema({
    query: typeOf(query) as GraphQLObjectType,
    mutation: mutation ? (typeOf(mutation) as GraphQLObjectType) : undefined,
    subscription: subscription ? (typeOf(subscription) as GraphQLObjectType) : undefined,
    types: order,
    directives: specifiedDirectives,
    assumeValid: true,
  });
}

type FieldResolvers = Pick<GraphQLFieldConfig<unknown, unknown>, 'resolve' | 'subscribe'>;
type Resolve = NonNullable<FieldResolvers['resolve']>;

/**
 * The schema makeExecutableSchema (@graphql-tools/schema) builds from one printed SDL document, at a fraction of the
 * cold-start cost (budget row 3, docs/performance.md): given SDL, it is parsed without locations and built without SDL or
 * schema validation (the generated SDL is validated by codegen, `npm run codegen:check` and the schema tests); given a
 * schema (`decodeSchema`), that schema is completed. Either way the resolvers are attached to the built types in place
 * instead of through a copy of the whole schema. Resolvers for a type or field the SDL does not declare throw, as
 * makeExecutableSchema's do. test/unit/schema.test.ts checks the result against makeExecutableSchema's.
 */
export function buildExecutableSchema(source: string | GraphQLSchema, resolverMap: Record<string, object>): GraphQLSchema {
  const schema = typeof source === 'string' ? buildASTSchema(parse(source, { noLocation: true }), { assumeValidSDL: true, assumeValid: true }) : source;
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
