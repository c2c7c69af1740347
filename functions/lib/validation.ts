import {
  GraphQLError,
  GraphQLID,
  Kind,
  TypeInfo,
  getNamedType,
  getNullableType,
  getVariableValues,
  isInputObjectType,
  isListType,
  parse,
  specifiedRules,
  validate,
  visit,
  visitWithTypeInfo,
} from './graphqlRuntime.js';
import type {
  DocumentNode,
  GraphQLInputType,
  GraphQLSchema,
  OperationDefinitionNode,
  ParseOptions,
  ValidationContext,
  ValidationRule,
  ValueNode,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { ErrorCode, badInput, type AppError } from './errors.js';
import { MAX_ESTIMATED_ITEMS, costLimitRule } from './queryCost.js';

/**
 * Query limits (depth, aliases, directives, tokens, cost; field suggestions hidden): the one configuration for both APIs.
 * Depth, aliases and directives are graphql-armor's rules; the token limit is graphql-js's parse option; the cost limit
 * is queryCost.ts's (armor's does not multiply by `first`). The mask is armor's, stated so both APIs use the same text.
 */
export const queryLimits = {
  maxDepth: { n: 12 },
  maxAliases: { n: 15 },
  maxDirectives: { n: 20 },
  maxTokens: { n: 3000 },
  blockFieldSuggestion: { mask: '[Suggestion hidden]' },
};

/**
 * The token limit is graphql-js's own parse option (Apollo's `parseOptions`, and the WebSocket path's parse): an
 * oversized document is a syntax error, GRAPHQL_PARSE_FAILED with HTTP 400. armor's token plugin stays out: it
 * re-parses inside Apollo's parse hook and throws there, which Apollo answered as an HTTP 500.
 */
export const parseOptions: ParseOptions = { maxTokens: queryLimits.maxTokens.n };

/**
 * How armor's rules refuse a document, as graphql-armor's Apollo preset sets them up: the error is reported to the
 * validation context (so the operation is GRAPHQL_VALIDATION_FAILED, HTTP 400) instead of thrown.
 */
const reported = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(new GraphQLError(error.message, { extensions: { code: ErrorCode.BAD_USER_INPUT } })),
  ],
};

/**
 * The limit rules (graphql-armor's depth, aliases and directives; queryCost.ts's cost limit: at most 5,000 items read),
 * given to Apollo, which runs graphql's `specifiedRules` before them. Each armor package is imported on its own: the
 * preset package would also bundle the protections that stay off here (its cost and token limits).
 */
export const limitRules: readonly ValidationRule[] = [
  maxDepthRule({ ...queryLimits.maxDepth, ...reported }),
  maxAliasesRule({ ...queryLimits.maxAliases, ...reported }),
  maxDirectivesRule({ ...queryLimits.maxDirectives, ...reported }),
  costLimitRule(MAX_ESTIMATED_ITEMS),
];

/** Hides "Did you mean …" suggestions in an error message (both APIs). */
export const hideSuggestions = (message: string): string => message.replace(/Did you mean ".+"/g, queryLimits.blockFieldSuggestion.mask);

/** The Apollo plugin that hides field suggestions in every error of an HTTP response, as graphql-armor's preset does. */
export const limitPlugins: readonly ApolloServerPlugin[] = [
  {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) error.message = hideSuggestions(error.message);
        },
      };
    },
  },
];

/** Every rule a document is validated with, over HTTP (Apollo: specified rules, then `limitRules`) and over WebSocket. */
export const validationRules: readonly ValidationRule[] = [...specifiedRules, ...limitRules];

/** The error with a code, as Apollo wraps graphql-js's errors (the original kept as `originalError`), suggestions hidden. */
const withCode = (e: GraphQLError, code: ErrorCode): GraphQLError =>
  new GraphQLError(hideSuggestions(e.message), { nodes: e.nodes, originalError: e.originalError ?? e, extensions: { ...e.extensions, code } });

/** A document that passed, or the errors that refuse it (with Apollo's codes and messages). */
export type Checked<T> = { ok: true; value: T } | { ok: false; errors: GraphQLError[] };

/**
 * Checks a document outside Apollo (the WebSocket path) the way Apollo and armor check it over HTTP, with the
 * same limits, rules, codes and messages: parsed with `parseOptions` (a syntax error or too many tokens is
 * GRAPHQL_PARSE_FAILED with graphql-js's message and location, as Apollo reports it), then validated with
 * `validationRules` (GRAPHQL_VALIDATION_FAILED, suggestions hidden).
 */
export function checkDocument(schema: GraphQLSchema, query: string): Checked<DocumentNode> {
  let document: DocumentNode;
  try {
    document = parse(query, parseOptions);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const { source, positions } = error;
    return { ok: false, errors: [new GraphQLError(error.message, { source, positions, extensions: { code: ErrorCode.GRAPHQL_PARSE_FAILED } })] };
  }
  const invalid = validate(schema, document, validationRules);
  if (invalid.length === 0) return { ok: true, value: document };
  return { ok: false, errors: invalid.map((e) => withCode(e, ErrorCode.GRAPHQL_VALIDATION_FAILED)) };
}

/**
 * Coerces an operation's variables as graphql-js does before executing it; a refused variable is BAD_USER_INPUT
 * unless its error has a code, as Apollo marks it (a scalar's AppError stays the original error, for its field).
 */
export function coerceVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null | undefined,
): Checked<Record<string, unknown>> {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (!coerced.errors) return { ok: true, value: coerced.coerced };
  return {
    ok: false,
    errors: coerced.errors.map((e) => {
      const aboutOneVariable = e.nodes?.length === 1 && e.nodes[0]?.kind === Kind.VARIABLE_DEFINITION;
      return e.extensions.code == null && aboutOneVariable ? withCode(e, ErrorCode.BAD_USER_INPUT) : e;
    }),
  };
}

/** The longest id accepted (ids the API issues are UUIDs, 36 characters); longer ones would exceed DynamoDB's key size. */
export const MAX_ID_LENGTH = 128;

const withoutInput = (path: string[]) => (path[0] === 'input' && path.length > 1 ? path.slice(1) : path).join('.');

/** Every argument of a document with its input type: found once per parsed document (Apollo reuses the one it cached). */
const sitesByDocument = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, ReadonlyArray<{ name: string; value: ValueNode; type: GraphQLInputType }>>>();

function argumentSites(schema: GraphQLSchema, document: DocumentNode) {
  let bySchema = sitesByDocument.get(schema);
  if (!bySchema) sitesByDocument.set(schema, (bySchema = new WeakMap()));
  let sites = bySchema.get(document);
  if (!sites) {
    const found: Array<{ name: string; value: ValueNode; type: GraphQLInputType }> = [];
    const typeInfo = new TypeInfo(schema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Argument(node) {
          const argument = typeInfo.getArgument();
          if (argument) found.push({ name: node.name.value, value: node.value, type: argument.type });
        },
      }),
    );
    bySchema.set(document, (sites = found));
  }
  return sites;
}

/**
 * Finds an ID argument (or an ID inside an input object or list, literal or variable) longer than
 * `MAX_ID_LENGTH` in an operation: BAD_USER_INPUT naming its field as AppErrors do (`id`, `expertId`,
 * `filter.organizationId`). Checked where ids enter, before anything reads the table with them.
 */
export function findOverlongId(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | null | undefined): AppError | undefined {
  let found: AppError | undefined;
  const tooLong = (value: unknown) => (typeof value === 'string' || typeof value === 'number') && String(value).length > MAX_ID_LENGTH;
  const refuse = (path: string[]) => (found ??= badInput(withoutInput(path), `An id is at most ${MAX_ID_LENGTH} characters`));
  const checkValue = (value: unknown, type: GraphQLInputType, path: string[]): void => {
    const nullable = getNullableType(type);
    if (value === null || value === undefined || found) return;
    if (isListType(nullable)) {
      for (const item of Array.isArray(value) ? value : [value]) checkValue(item, nullable.ofType, path);
    } else if (isInputObjectType(nullable)) {
      if (typeof value !== 'object') return;
      const fields = nullable.getFields();
      for (const [name, inner] of Object.entries(value)) {
        const field = fields[name];
        if (field) checkValue(inner, field.type, [...path, name]);
      }
    } else if (getNamedType(nullable) === GraphQLID && tooLong(value)) refuse(path);
  };
  const checkNode = (node: ValueNode, type: GraphQLInputType, path: string[]): void => {
    const nullable = getNullableType(type);
    if (found) return;
    if (node.kind === Kind.VARIABLE) return checkValue(variables?.[node.name.value], type, path);
    if (isListType(nullable)) {
      for (const item of node.kind === Kind.LIST ? node.values : [node]) checkNode(item, nullable.ofType, path);
    } else if (isInputObjectType(nullable)) {
      if (node.kind !== Kind.OBJECT) return;
      const fields = nullable.getFields();
      for (const field of node.fields) {
        const def = fields[field.name.value];
        if (def) checkNode(field.value, def.type, [...path, field.name.value]);
      }
    } else if (getNamedType(nullable) === GraphQLID && (node.kind === Kind.STRING || node.kind === Kind.INT) && tooLong(node.value)) refuse(path);
  };
  for (const site of argumentSites(schema, document)) checkNode(site.value, site.type, [site.name]);
  return found;
}
