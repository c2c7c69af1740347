import { GraphQLScalarType, Kind } from '../graphqlRuntime.js';
import type { ValueNode } from 'graphql';
import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';
import { AppError, ErrorCode } from '../errors.js';
import { parseQuarter } from '../domain/service.js';

/**
 * A string-backed scalar: inputs (variables and literals) go through `parse`, which returns the stored
 * form or throws; outputs are the stored strings. A refused input is BAD_USER_INPUT: graphql-js keeps
 * the AppError as the original error, and formatError names the offending argument or input field.
 */
function stringScalar(name: string, description: string, example: string, parse: (value: string) => string | null): GraphQLScalarType<string, string> {
  const parseInput = (value: unknown): string => {
    const parsed = typeof value === 'string' ? safely(() => parse(value)) : null;
    if (parsed === null) throw new AppError(ErrorCode.BAD_USER_INPUT, `${JSON.stringify(value)} is not a ${name} like ${example}`);
    return parsed;
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize: (value) => String(value),
    parseValue: parseInput,
    parseLiteral: (ast: ValueNode) => parseInput(ast.kind === Kind.STRING ? ast.value : undefined),
  });
}

const safely = <T>(run: () => T): T | null => {
  try {
    return run();
  } catch {
    return null;
  }
};

/** YYYY-MM-DD, a real calendar date (graphql-scalars' LocalDate: 2026-02-30 is refused). */
export const DateScalar = stringScalar('Date', 'A calendar date, YYYY-MM-DD', '2026-12-01', (value) => String(LocalDateResolver.parseValue(value)));

/** RFC 3339 date-time with an offset (graphql-scalars' DateTime rules); stored and returned as the UTC instant (…Z). */
export const DateTimeScalar = stringScalar('DateTime', 'An RFC 3339 date-time with an offset, stored in UTC', '2026-11-28T09:00:00+08:00', (value) =>
  DateTimeResolver.parseValue(value).toISOString(),
);

/** A calendar quarter, 2026Q4. */
export const QuarterScalar = stringScalar('Quarter', 'A calendar quarter, YYYYQn', '2026Q4', (value) => (parseQuarter(value) ? value : null));
