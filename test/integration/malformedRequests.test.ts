import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { REGISTER_EXPERT, SUBMIT_NEED, createOrgTree, makeExpertInput, makeNeedInput, NEED_STEPS, ok } from '../support/fixtures.js';
import { httpApiEvent, lambdaContext } from '../../infra/local/httpAdapter.js';

/** Who sends: nobody signed in, a province admin (who may read the seeded personal data whole), another expert (who may not). */
type Caller = 'anonymous' | 'admin' | 'stranger';

/** What a careless or hostile client may send: a method, headers and a raw body or query string. */
interface Sent {
  method: 'GET' | 'POST';
  contentType: string | null;
  body: string;
  query: string;
  caller: Caller;
}

/** A resident ID number with a valid check digit: stored with the seeded expert, never returned to anyone. */
const SEEDED_ID_NUMBER = '440103198503071234';
/** The seeded requester's contact phone: masked except to those handling or serving the need. */
const SEEDED_CONTACT_PHONE = '13911112222';
/** Ids of the seeded expert, need and organizations, filled in before the property runs (generated values pick them lazily). */
const seeded: string[] = [];
const seededId = fc.nat().map((i) => seeded[i % Math.max(seeded.length, 1)] ?? 'none');

const huge = fc.constantFrom('x'.repeat(5_000), '好'.repeat(10_000), '9'.repeat(20_000), '{'.repeat(10_000), '['.repeat(20_000));
const junk = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', ' ', 'null', '2026-13-45', '2026Q5', '2026-02-30', 'NaN', '-1', '∞', '\u0000'), huge);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  junk,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  seededId,
  fc.array(junk, { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 4 }),
  // Deeply nested variables.
  fc.integer({ min: 50, max: 3000 }).map((n) => JSON.parse(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`) as unknown),
);

/** Reads that reach the seeded personal data, directly and through nested fields and lists. */
const PERSONAL_READS = [
  'query ($id: ID!) { need(id: $id) { id requester { name contactName contactPhone } } }',
  'query ($id: ID!) { expert(id: $id) { id name phone } }',
  'query ($n: Int, $a: String) { experts(first: $n, after: $a) { edges { node { id name phone } } } }',
  'query ($n: Int) { needs(first: $n) { edges { node { id requester { contactName contactPhone } } } } }',
];

/** Operations of the schema whose variables are filled with junk: ids, dates, quarters, enums, inputs. */
const OPERATIONS = [
  'query ($id: ID!) { expert(id: $id) { id name phone } }',
  'query ($id: ID!) { need(id: $id) { id title status } }',
  'query ($id: ID!) { organization(id: $id) { id name } }',
  'query ($e: ID!, $f: Date!, $t: Date!) { proofOfService(expertId: $e, from: $f, to: $t) { person } }',
  'query ($o: ID!, $q: Quarter!) { lateReports(organizationId: $o, quarter: $q) { id } }',
  'query ($f: ActivityFilter, $n: Int, $a: String) { activities(filter: $f, first: $n, after: $a) { edges { cursor } } }',
  'query ($n: Int, $a: String) { organizations(first: $n, after: $a) { edges { cursor } } }',
  'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { need { id } } }',
  'mutation ($input: RegisterExpertInput!) { registerExpert(input: $input) { expert { id } } }',
  'mutation ($input: AddTeamMemberInput!) { addTeamMember(input: $input) { team { id } } }',
  'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }',
  ...PERSONAL_READS,
];

const document = fc.oneof(
  fc.constantFrom(...OPERATIONS),
  junk,
  // Truncated or corrupted operations.
  fc.tuple(fc.constantFrom(...OPERATIONS), fc.nat(), junk).map(([op, at, insert]) => op.slice(0, at % op.length) + insert),
  // Deep nesting and many tokens.
  fc.integer({ min: 5, max: 2000 }).map((n) => `{ regions { ${'children { '.repeat(n)}code${' }'.repeat(n)} } }`),
  fc.integer({ min: 100, max: 5000 }).map((n) => `{ me { ${'roles '.repeat(n)}} }`),
  fc.integer({ min: 1, max: 400 }).map((n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { roles }`).join(' ')} }`),
);

const body = fc.oneof(
  // Well-formed JSON with junk in every member.
  fc
    .record(
      {
        query: fc.oneof(document, anyValue),
        variables: fc.oneof(
          fc.dictionary(fc.constantFrom('id', 'e', 'f', 't', 'o', 'q', 'n', 'a', 'input'), anyValue, { maxKeys: 4 }),
          // Well-formed variables that name the seeded entities.
          fc.record({ id: seededId, e: seededId, o: seededId, n: fc.integer({ min: -5, max: 60 }) }),
          anyValue,
        ),
        operationName: fc.oneof(junk, fc.constant(null)),
        extensions: fc.oneof(anyValue, fc.record({ persistedQuery: fc.record({ version: fc.oneof(fc.constant(1), anyValue), sha256Hash: anyValue }) })),
      },
      { requiredKeys: [] },
    )
    .map((request) => JSON.stringify(request)),
  // Well-formed reads of the seeded personal data.
  fc
    .record({ query: fc.constantFrom(...PERSONAL_READS), variables: fc.record({ id: seededId, n: fc.integer({ min: 1, max: 50 }) }) })
    .map((r) => JSON.stringify(r)),
  // Not JSON, or JSON of the wrong shape (arrays are batches, which are off).
  junk,
  fc.json({ maxDepth: 3 }),
  fc.array(fc.record({ query: document }), { minLength: 1, maxLength: 3 }).map((batch) => JSON.stringify(batch)),
);

const sent: fc.Arbitrary<Sent> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'POST', 'POST'),
  contentType: fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/graphql', null),
  body,
  query: fc.oneof(
    document.map((q) => `query=${encodeURIComponent(q)}`),
    junk.map((j) => encodeURIComponent(j)),
    fc.constant(''),
  ),
  caller: fc.constantFrom<Caller>('anonymous', 'admin', 'stranger'),
});

/**
 * A full 18-character resident ID number or an 11-digit mainland mobile number that the request did not contain
 * (a refused query's cost, `found 16680843728`, is a figure, not a phone).
 */
function leakedPersonalData(response: string, request: string, entitled: readonly string[] = []): string[] {
  const text = response.replace(/\bfound \d+/g, 'found N');
  return [...text.matchAll(/(?<!\d)(?:\d{17}[\dXx]|1[3-9]\d{9})(?!\d)/g)]
    .map((m) => m[0])
    .filter((found) => !request.includes(found) && !entitled.includes(found));
}

describe('Property: malformed operations, variables and bodies', () => {
  let app: TestApp;
  let tokens: Record<Exclude<Caller, 'anonymous'>, string>;
  let expertPhone: string;
  let strangerPhone: string;
  beforeAll(async () => {
    app = await createTestApp();
    // Personal data for the requests to find: an expert with its phone and ID number, a published need with its requester's contact phone.
    const tree = await createOrgTree(app);
    const input = makeExpertInput({ idNumber: SEEDED_ID_NUMBER, organizationId: tree.liwan });
    const expert = ok(await app.gql(REGISTER_EXPERT, { input }, await app.token({ roles: ['EXPERT'] }))).registerExpert.expert;
    expertPhone = expert.phone;
    const strangerSub = 'user-fuzz-stranger';
    const stranger = ok(await app.gql(REGISTER_EXPERT, { input: makeExpertInput() }, await app.token({ roles: ['EXPERT'], sub: strangerSub }))).registerExpert
      .expert;
    strangerPhone = stranger.phone;
    const requester = await app.token({ roles: ['REQUESTER'] });
    const need = ok(
      await app.gql(
        SUBMIT_NEED,
        { input: makeNeedInput({ requester: { ...(makeNeedInput().requester as object), contactPhone: SEEDED_CONTACT_PHONE } }) },
        requester,
      ),
    ).submitNeed.need;
    ok(await app.gql(NEED_STEPS.REVIEW, { input: { id: need.id, version: need.version, approve: true } }, tree.admin));
    seeded.push(expert.id, need.id, tree.liwan, tree.guangzhou);
    tokens = { admin: tree.admin, stranger: await app.token({ roles: ['EXPERT'], sub: strangerSub, expert: stranger.id }) };
  });

  it('never answer INTERNAL_SERVER_ERROR, a 5xx other than 503, a stack trace or personal data (1,200 generated requests)', async () => {
    let cases = 0;
    /** How often the seeded personal data came back masked (to a stranger) and whole (to the admin): the check below had something to find. */
    const reached = { masked: 0, whole: 0 };
    await fc.assert(
      fc.asyncProperty(sent, async (s) => {
        cases += 1;
        const token = s.caller === 'anonymous' ? null : tokens[s.caller];
        const headers: Record<string, string> = {
          ...(s.contentType && { 'content-type': s.contentType }),
          ...(token && { authorization: `Bearer ${token}` }),
          // Apollo's CSRF prevention wants this on GET and non-JSON requests; the signed-in cases send it.
          ...(token && { 'apollo-require-preflight': 'true' }),
        };
        const event = httpApiEvent({
          method: s.method,
          path: s.method === 'GET' ? `/graphql?${s.query}` : '/graphql',
          headers,
          ...(s.method === 'POST' && { body: s.body }),
        });
        const result = await app.handler(event, lambdaContext('kezhi-fuzz'));
        const status = result.statusCode ?? 200;
        const raw = result.body ?? '';
        const request = `${s.body} ${decodeURIComponent(s.query.replace(/%(?![0-9A-F]{2})/gi, '%25'))}`;
        expect(status === 503 || status < 500, `HTTP ${status}: ${raw.slice(0, 300)}`).toBe(true);
        expect(raw).not.toContain('INTERNAL_SERVER_ERROR');
        expect(raw).not.toMatch(/\n\s+at |\bat [\w.<>]+ \(|\.ts:\d+:\d+/);
        // The admin may read the seeded phones whole; nobody ever gets an ID number, and nobody else a whole phone.
        const entitled = { anonymous: [], admin: [expertPhone, SEEDED_CONTACT_PHONE, strangerPhone], stranger: [strangerPhone] }[s.caller];
        expect(leakedPersonalData(raw, request, entitled)).toEqual([]);
        if (raw.includes(`${expertPhone.slice(0, 3)}****${expertPhone.slice(-4)}`) || raw.includes('139****2222')) reached.masked += 1;
        if (raw.includes(expertPhone) || raw.includes(SEEDED_CONTACT_PHONE)) reached.whole += 1;
      }),
      { numRuns: 1200, seed: Number(process.env.FUZZ_SEED ?? 20261129), endOnFailure: true },
    );
    expect(cases).toBeGreaterThanOrEqual(1000);
    console.info(
      `malformed requests: ${cases} cases; seeded personal data came back masked ${reached.masked} times, whole (to the admin) ${reached.whole} times`,
    );
    expect(reached.masked).toBeGreaterThan(0);
    expect(reached.whole).toBeGreaterThan(0);
    expect(app.logs.filter((l) => l.includes('"level":"ERROR"'))).toEqual([]);
  }, 60_000);
});
