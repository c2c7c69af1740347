/**
 * The one module of ours that imports graphql's values; every other module imports them from here (types may still come
 * from 'graphql': they are erased). Why: graphql is CommonJS, and in a function bundle esbuild turns each ES module's
 * import of a CommonJS package into a copy of all its exports (`__toESM`: ~216 getters for graphql), made when the
 * module first runs. Nine modules importing graphql made nine copies in every cold start of the GraphQL function (its
 * module init was ~14 ms shorter without them: budget row 3, docs/performance.md); through this module it is one.
 * ESLint (eslint.config.js) keeps it so.
 */
export {
  GraphQLEnumType,
  GraphQLError,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLUnionType,
  Kind,
  OperationTypeNode,
  TypeInfo,
  buildASTSchema,
  execute,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isCompositeType,
  isInputObjectType,
  isInputType,
  isInterfaceType,
  isListType,
  isObjectType,
  isScalarType,
  isUnionType,
  parse,
  specifiedDirectives,
  specifiedRules,
  specifiedScalarTypes,
  typeFromAST,
  validate,
  valueFromAST,
  visit,
  visitWithTypeInfo,
} from 'graphql';
