// graphql-codegen plugin: embeds the merged schema's named types in a compact form, as `schemaTypes` (ASCII JSON,
// Brotli-compressed, base64), from which functions/lib/schema.ts builds the executable schema with graphql's type
// constructors. A cold start then neither lexes and parses the SDL nor decodes and walks a document of it: it decodes one
// small JSON value (one native decompression and one JSON.parse) and constructs the types (budget row 3,
// docs/performance.md).
//
// The form (functions/lib/schema.ts: EncodedSchema) carries what a schema built from SDL holds, except the AST nodes:
// names, descriptions, type references (printed, `[ID!]!`), arguments and input fields with their default values,
// deprecation reasons, interfaces, union members, enum values, `@specifiedBy` and `@oneOf`. Anything it could not carry
// (a directive of our own, a schema description, a default value JSON cannot hold) stops codegen with an error instead of
// being dropped. Every non-ASCII character is escaped, so the decoded text decodes as Latin-1 (Node's cheapest).
// Compressed output may differ between Brotli versions, so when the file already holds the same JSON the plugin keeps its
// bytes: `npm run codegen:check` then fails only when the schema changed.
const { Buffer } = require('node:buffer');
const { readFileSync } = require('node:fs');
const { inspect } = require('node:util');
const { brotliCompressSync, brotliDecompressSync, constants } = require('node:zlib');
const {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isScalarType,
  isSpecifiedDirective,
  isSpecifiedScalarType,
  isUnionType,
} = require('graphql');

const PATTERN = /export const schemaTypes =\s*'([A-Za-z0-9+/=]+)';/;

/** The kinds of EncodedType (functions/lib/schema.ts). */
const KIND = { scalar: 0, object: 1, interface: 2, union: 3, enum: 4, input: 5 };

/** A tuple without its trailing absent (null or undefined) entries. */
function trimmed(tuple) {
  let end = tuple.length;
  while (end > 0 && tuple[end - 1] == null) end -= 1;
  return tuple.slice(0, end);
}

/** True when JSON holds `value` as it is: null, booleans, strings, finite numbers, and arrays and objects of them. */
function isJson(value) {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJson);
  // An input object's default value is an object without a prototype (graphql's valueFromAST).
  const prototype = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  return (prototype === null || prototype === Object.prototype) && Object.values(value).every(isJson);
}

function defaultValueOf(value, where) {
  if (value === undefined) return null;
  if (!isJson(value)) throw new Error(`schemaTypesPlugin: the default value of ${where} is not JSON (${inspect(value)}) and cannot be encoded`);
  // Boxed, so that a default value of null stays apart from no default value.
  return [value];
}

function encodeArgument(argument, where) {
  const at = `${where}(${argument.name})`;
  return trimmed([argument.name, String(argument.type), argument.description, defaultValueOf(argument.defaultValue, at), argument.deprecationReason]);
}

function encodeField(field, typeName) {
  const where = `${typeName}.${field.name}`;
  const args = field.args.length > 0 ? field.args.map((argument) => encodeArgument(argument, where)) : null;
  return trimmed([field.name, String(field.type), field.description, args, field.deprecationReason]);
}

function encodeType(type) {
  const { name, description } = type;
  if (isScalarType(type)) return trimmed([KIND.scalar, name, description, type.specifiedByURL]);
  if (isObjectType(type) || isInterfaceType(type)) {
    const interfaces = type.getInterfaces().map((i) => i.name);
    const fields = Object.values(type.getFields()).map((field) => encodeField(field, name));
    return trimmed([isObjectType(type) ? KIND.object : KIND.interface, name, description, fields, interfaces.length > 0 ? interfaces : null]);
  }
  if (isUnionType(type)) return trimmed([KIND.union, name, description, type.getTypes().map((member) => member.name)]);
  if (isEnumType(type)) {
    return trimmed([KIND.enum, name, description, type.getValues().map((value) => trimmed([value.name, value.description, value.deprecationReason]))]);
  }
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).map((field) => encodeArgument(field, name));
    return trimmed([KIND.input, name, description, fields, type.isOneOf ? 1 : null]);
  }
  throw new Error(`schemaTypesPlugin: ${name} is of no kind the encoding knows`);
}

/** The schema as EncodedSchema (functions/lib/schema.ts): its root type names and its named types, in the schema's order. */
function encodeSchema(schema) {
  const directive = schema.getDirectives().find((d) => !isSpecifiedDirective(d));
  if (directive) throw new Error(`schemaTypesPlugin: the directive @${directive.name} is not encoded; teach the encoding (and functions/lib/schema.ts) first`);
  if (schema.description) throw new Error('schemaTypesPlugin: a schema description is not encoded');
  const roots = trimmed([schema.getQueryType()?.name, schema.getMutationType()?.name, schema.getSubscriptionType()?.name]);
  const types = Object.values(schema.getTypeMap())
    .filter((type) => !isIntrospectionType(type) && !isSpecifiedScalarType(type))
    .map(encodeType);
  return { roots, types };
}

/** EncodedSchema as ASCII JSON: every non-ASCII character escaped. */
function schemaJson(schema) {
  return JSON.stringify(encodeSchema(schema)).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function previousEncoding(file, json) {
  try {
    const encoded = PATTERN.exec(readFileSync(file, 'utf8'))?.[1];
    if (encoded && brotliDecompressSync(Buffer.from(encoded, 'base64')).toString('latin1') === json) return encoded;
  } catch {
    // No file yet, or not decodable: encode afresh.
  }
  return undefined;
}

module.exports = {
  encodeSchema,
  plugin(schema, _documents, _config, info) {
    const json = schemaJson(schema);
    const encoded =
      (info?.outputFile && previousEncoding(info.outputFile, json)) ??
      brotliCompressSync(Buffer.from(json, 'utf8'), {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(json) },
      }).toString('base64');
    return [
      '',
      '/**',
      ' * The named types of graphql/*.graphql in the compact form functions/lib/schema.ts builds the executable schema from',
      ' * (EncodedSchema): ASCII JSON, Brotli-compressed, base64 (generated by infra/codegen/schemaTypesPlugin.cjs).',
      ' */',
      `export const schemaTypes =\n  '${encoded}';`,
      '',
    ].join('\n');
  },
};
