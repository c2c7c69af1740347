import { GraphQLError, Kind, getVariableValues, specifiedRules, validate } from 'graphql';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode, ValidationRule } from 'graphql';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { ErrorCode } from './errors.js';

/**
 * Query limits (depth, aliases, directives, tokens, cost; field suggestions hidden): the one configuration
 * of graphql-armor for both APIs. The mask is armor's default, stated so the WebSocket path uses the same text.
 */
export const queryLimits = {
  maxDepth: { n: 12 },
  maxAliases: { n: 15 },
  maxDirectives: { n: 20 },
  maxTokens: { n: 3000 },
  costLimit: { maxCost: 10000 },
  blockFieldSuggestion: { enabled: true, mask: '[Suggestion hidden]' },
};

// Built once: armor's protections read (and complete) the configuration when they are built.
const armor = new ApolloArmor(queryLimits).protect();

/** armor's limit rules (depth, aliases, directives, cost), given to Apollo, which runs graphql's `specifiedRules` before them. */
export const limitRules: readonly ValidationRule[] = armor.validationRules;

/** armor's Apollo plugins for the limits that are not validation rules: the token count (while parsing) and hidden suggestions. */
export const limitPlugins = armor.plugins;

/** Every rule a document is validated with, over HTTP (Apollo: specified rules, then `limitRules`) and over WebSocket. */
export const validationRules: readonly ValidationRule[] = [...specifiedRules, ...limitRules];

/** Hides "Did you mean …" suggestions in a message, as armor's plugin does over HTTP. */
export const hideSuggestions = (message: string): string => message.replace(/Did you mean ".+"/g, queryLimits.blockFieldSuggestion.mask);

/** The error with a code, as Apollo wraps graphql-js's errors (the original kept as `originalError`), suggestions hidden. */
const withCode = (e: GraphQLError, code: ErrorCode): GraphQLError =>
  new GraphQLError(hideSuggestions(e.message), { nodes: e.nodes, originalError: e.originalError ?? e, extensions: { ...e.extensions, code } });

/** A document that passed, or the errors that refuse it (with Apollo's codes and messages). */
export type Checked<T> = { ok: true; value: T } | { ok: false; errors: GraphQLError[] };

/**
 * Checks a document outside Apollo (the WebSocket path) the way Apollo and armor check it over HTTP, with the
 * same limits, rules, codes and messages: parsed by armor's token-counting parser (a syntax error or too many
 * tokens is GRAPHQL_VALIDATION_FAILED with the printed error as its message, as armor's plugin makes Apollo
 * report it), then validated with `validationRules` (GRAPHQL_VALIDATION_FAILED, suggestions hidden).
 */
export function checkDocument(schema: GraphQLSchema, query: string): Checked<DocumentNode> {
  let document: DocumentNode;
  try {
    document = new MaxTokensParserWLexer(query, queryLimits.maxTokens).parseDocument();
  } catch (error) {
    return { ok: false, errors: [new GraphQLError(String(error), { extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED } })] };
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
