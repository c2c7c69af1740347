import { describe, expect, it } from 'vitest';
import { checkRange } from '../../functions/lib/domain/dates.js';
import { AppError } from '../../functions/lib/errors.js';

describe('Function: checkRange', () => {
  it('accepts an ordered range, an empty one and open ends', () => {
    expect(() => checkRange('2026-01-01', '2026-12-31')).not.toThrow();
    expect(() => checkRange('2026-01-01', '2026-01-01')).not.toThrow();
    expect(() => checkRange(null, '2026-01-01')).not.toThrow();
    expect(() => checkRange('2026-01-01T00:00:00.000Z', undefined)).not.toThrow();
  });

  it('refuses an end before the start as BAD_USER_INPUT naming the end field', () => {
    const refused = (run: () => void) => {
      try {
        run();
      } catch (error) {
        return error instanceof AppError ? { code: error.code, field: error.field } : error;
      }
      return undefined;
    };
    expect(refused(() => checkRange('2026-12-31', '2026-01-01'))).toEqual({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(refused(() => checkRange('2026-02-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', { from: 'filter.from', to: 'filter.to' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'filter.to',
    });
  });
});
