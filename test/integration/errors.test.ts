import { describe, expect, it } from 'vitest';
import { createTestApp } from '../support/testApp.js';
import { errorOf } from '../support/fixtures.js';

describe('Error model', () => {
  it('masks an unexpected failure as INTERNAL_SERVER_ERROR with no internals, and logs its cause', async () => {
    const app = await createTestApp({ tableName: 'kezhi-missing-table', createTable: false });
    const res = await app.gql('{ organizations(first: 1) { edges { node { id } } } }');
    expect(res.errors).toEqual([{ message: 'Internal server error', path: ['organizations'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(res.raw).not.toMatch(/ResourceNotFound|kezhi-missing-table|at .*\.ts/);
    expect(app.logs.some((l) => l.includes('unexpected error') && l.includes('ERROR'))).toBe(true);
  });

  it('answers a malformed or forged token with UNAUTHENTICATED and HTTP 401', async () => {
    const app = await createTestApp();
    for (const token of ['not-a-jwt', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZXMiOlsiUFJPVklOQ0VfQURNSU4iXX0.']) {
      const res = await app.gql('{ me { roles } }', {}, token);
      expect(res.status).toBe(401);
      expect(errorOf(res)?.code).toBe('UNAUTHENTICATED');
    }
    const me = await app.gql('{ me { kind roles } }');
    expect(me.data).toEqual({ me: { kind: 'ANONYMOUS', roles: [] } });
  });

  it('rejects queries deeper than the limit before running them', async () => {
    const app = await createTestApp();
    const deep =
      '{ regions { children { children { children { parent { parent { parent { parent { parent { parent { parent { parent { code } } } } } } } } } } } } }';
    const res = await app.gql(deep);
    expect(res.status).toBe(400);
    expect(errorOf(res)?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.data).toBeUndefined();
  });

  it('reports a wrongly typed variable as BAD_USER_INPUT', async () => {
    const app = await createTestApp();
    const res = await app.gql('query ($first: Int) { organizations(first: $first) { edges { cursor } } }', { first: 'many' });
    expect(errorOf(res)?.code).toBe('BAD_USER_INPUT');
  });

  it('marks every answer cache-control: no-store (data, a refused document, an unknown caller)', async () => {
    const app = await createTestApp();
    const answers = [await app.gql('{ me { kind } }'), await app.gql('{ nope }'), await app.gql('{ me { kind } }', {}, 'not-a-jwt')];
    expect(answers.map((a) => a.status)).toEqual([200, 400, 401]);
    for (const answer of answers) expect(answer.headers['cache-control']).toBe('no-store');
  });
});
