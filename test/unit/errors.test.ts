import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { AppError, createFormatError } from '../../functions/lib/errors.js';

const logged: unknown[] = [];
const format = createFormatError({ error: (_m, details) => logged.push(details) });
const resolverError = (original: Error) => new GraphQLError(original.message, { path: ['organization'], originalError: original });

describe('formatError', () => {
  it('shows an AppError with its code and field', () => {
    const error = resolverError(new AppError('BAD_USER_INPUT', 'Unknown region', { field: 'regionCode' }));
    expect(format({ message: 'x', path: ['organization'] }, error)).toEqual({
      message: 'Unknown region',
      path: ['organization'],
      extensions: { code: 'BAD_USER_INPUT', field: 'regionCode' },
    });
  });

  it('masks any other resolver error and logs it', () => {
    const error = resolverError(new Error('ResourceNotFoundException: table kezhi-prod at arn:aws:…'));
    const out = format({ message: error.message, path: ['organization'] }, error);
    expect(out).toEqual({ message: 'Internal server error', path: ['organization'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect((logged.at(-1) as { error: Error }).error.message).toContain('ResourceNotFoundException');
  });

  it('keeps the code of request errors (parse, validation)', () => {
    const error = new GraphQLError('Syntax Error', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    expect(format({ message: 'Syntax Error', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }, error)).toEqual({
      message: 'Syntax Error',
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
  });

  it('masks a request-level INTERNAL_SERVER_ERROR (e.g. a failing context) too', () => {
    const error = new GraphQLError('Context creation failed: connect ECONNREFUSED 10.0.0.1', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(format({ message: error.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error).message).toBe('Internal server error');
  });
});
