import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { ok } from '../support/fixtures.js';

describe('Query: regions', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });

  it('lists the roots (Guangdong, Hong Kong, Macao) without a parent code, anonymously', async () => {
    const data = ok(await app.gql('{ regions { code name level } }'));
    expect(data.regions).toEqual([
      { code: '44', name: '广东省', level: 'PROVINCE' },
      { code: '81', name: '香港特别行政区', level: 'PROVINCE' },
      { code: '82', name: '澳门特别行政区', level: 'PROVINCE' },
    ]);
  });

  it("lists Guangdong's 21 cities", async () => {
    const data = ok(await app.gql('{ regions(parentCode: "44") { code name level } }'));
    expect(data.regions).toHaveLength(21);
    expect(data.regions[0]).toEqual({ code: '4401', name: '广州市', level: 'CITY' });
    expect(data.regions.map((r: { code: string }) => r.code)).toContain('4453');
  });

  it('resolves a township with its parent chain and a district with its children', async () => {
    const data = ok(
      await app.gql('{ t: region(code: "440103001") { name level parent { code name parent { code } } } d: region(code: "440103") { children { code } } }'),
    );
    expect(data.t).toEqual({ name: '沙面街道', level: 'TOWNSHIP', parent: { code: '440103', name: '荔湾区', parent: { code: '4401' } } });
    expect(data.d.children).toHaveLength(22);
  });

  it('answers null for an unknown code', async () => {
    expect(ok(await app.gql('{ region(code: "9999") { code } }')).region).toBeNull();
  });
});
