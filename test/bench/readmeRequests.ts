/**
 * DynamoDB requests of each example operation of the README (row 1 of issue 12), run in the README's order on one table
 * as the README's story goes: the placeholders (`<id>`, `<expertId>`, `<province id>` …) become the ids the earlier
 * operations created, each operation is sent by the caller the README names (the province admin, the self-registered
 * expert, the requester, the Hong Kong partner), and the stream's matching runs after the approval as the stream
 * function would. Subscriptions (graphql-ws, not HTTP) are left out.
 */
import { createBenchApp, type BenchApp } from './harness.js';
import { RequestCounter } from '../support/requestCounter.js';
import { readmeOperations } from '../support/readmeOperations.js';
import { createRepositories } from '../../functions/lib/repositories/index.js';
import { matchAndStore } from '../../functions/lib/matching/matchNeed.js';

export interface ReadmeRequests {
  name: string;
  requests: number;
  /** The error code when the operation was refused (its requests still counted). */
  error: string | null;
}

type Ids = Record<'province' | 'city' | 'county' | 'campaign' | 'expert' | 'need' | 'activity', string>;

/** The operation with its placeholders replaced by the ids of the story so far. */
function substitute(source: string, ids: Ids): string {
  let out = source
    .replaceAll('"<Shamian association id>"', `"${ids.county}"`)
    .replaceAll('"<province id>"', `"${ids.province}"`)
    .replaceAll('"<campaign id>"', `"${ids.campaign}"`)
    .replaceAll('"<expertId>"', `"${ids.expert}"`)
    .replace(/expertId: "<id>"/g, `expertId: "${ids.expert}"`)
    .replace(/activityId: "<id>"/g, `activityId: "${ids.activity}"`)
    .replace(/organizationId: "<id>"/g, `organizationId: "${ids.county}"`);
  const subject = /Need|need\(/.test(out) ? ids.need : /Activity\b/.test(out) ? ids.activity : ids.expert;
  out = out.replaceAll('"<id>"', `"${subject}"`);
  return out;
}

const EXPERT_OPS = /registerExpert|updateExpert|acceptNeed|signUpActivity|checkIn|checkOut|myData|deleteMyAccount/;

/** Runs every README example operation on a new table and counts its DynamoDB requests. */
export async function runReadmeOperations(endpoint: string, log: (line: string) => void): Promise<ReadmeRequests[]> {
  const table = 'bench-r1-readme';
  const app: BenchApp = await createBenchApp(endpoint, table);
  const admin = await app.token({ sub: 'readme-province', roles: ['PROVINCE_ADMIN'] });
  const volunteer = await app.token({ sub: 'readme-volunteer', roles: ['EXPERT'] });
  const requester = await app.token({ sub: 'readme-requester', roles: ['REQUESTER'] });
  const partner = await app.token({ sub: 'hk-readme', roles: ['PARTNER'], partner: 'hk-readme', scope: 'experts.write needs.read' });
  type Body = { data?: Record<string, Record<string, Record<string, unknown>>>; errors?: Array<{ message?: string; extensions?: { code?: string } }> };
  // The harness throws on GraphQL errors, with them as JSON: read them back (a refused operation's requests count too).
  const send = async (query: string, variables: Record<string, unknown>, token: string): Promise<Body> => {
    try {
      return { data: (await app.gql(query, variables, token)) as Body['data'] };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      try {
        return { errors: JSON.parse(message) as Body['errors'] };
      } catch {
        return { errors: [{ extensions: { code: message.slice(0, 80) } }] };
      }
    }
  };
  const must = async (query: string, variables: Record<string, unknown>, token = admin) => {
    const body = await send(query, variables, token);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  };
  const org = async (name: string, regionCode: string) =>
    String(
      (
        await must('mutation ($i: CreateOrganizationInput!) { createOrganization(input: $i) { organization { id } } }', {
          i: { kind: 'ASSOCIATION', name, regionCode },
        })
      ).createOrganization!.organization!.id,
    );
  const ids: Ids = { province: '', city: '', county: '', campaign: '', expert: '', need: '', activity: '' };
  ids.province = await org('广东省科学技术协会', '44');
  ids.city = await org('广州市科学技术协会', '4401');
  ids.county = await org('荔湾区科学技术协会', '440103');
  ids.campaign = String(
    (await must('mutation { createCampaign(input: { name: "科技志愿服务月", startDate: "2026-11-01" }) { campaign { id } } }', {})).createCampaign!.campaign!
      .id,
  );
  await must('mutation ($i: CreatePartnerInput!) { createPartner(input: $i) { partner { id } } }', {
    i: {
      clientId: 'hk-readme',
      nameHant: '香港專家平台',
      nameHans: '香港专家平台',
      nameEn: 'HK',
      regionCode: '81',
      contactName: '陳',
      contactEmail: 'p@hk.example',
      consentTermsVersion: '2026-11',
    },
  });

  const counter = RequestCounter.attach(app.deps.store);
  const results: ReadmeRequests[] = [];
  for (const op of readmeOperations()) {
    if (/^\s*subscription\b/.test(op.source)) continue;
    const query = substitute(op.source, ids);
    const token = /syncPartnerExperts/.test(query) ? partner : /submitNeed|rateNeed/.test(query) ? requester : EXPERT_OPS.test(query) ? volunteer : admin;
    const variables: Record<string, unknown> = query.includes('SyncPartnerExpertsInput')
      ? {
          input: {
            experts: [
              {
                externalId: 'HK-1',
                name: '陳大文',
                title: 'SENIOR_AGRONOMIST',
                domains: ['AGRICULTURE'],
                keywords: ['荔枝'],
                languages: ['CANTONESE'],
                serviceRegionCodes: ['44'],
                phone: '+85251234567',
                consent: { listed: true, contactable: true, termsVersion: '2026-11' },
              },
            ],
          },
        }
      : query.includes('$i: SubmitNeedInput')
        ? {
            i: {
              title: '水稻种植指导',
              description: '…',
              kind: 'RURAL_REVITALIZATION',
              requester: { kind: 'VILLAGE', name: '某村委会' },
              domains: ['AGRICULTURE'],
              regionCode: '440103001',
            },
          }
        : {};
    counter.reset();
    const body = await send(query, variables, token);
    const requests = counter.total;
    const error = body.errors?.[0]?.extensions?.code ?? null;
    results.push({ name: op.name, requests, error });
    log(`${String(requests).padStart(3)} ${error ? `(${error}: ${body.errors?.[0]?.message ?? ''}) ` : ''}${op.name}`);
    // The story's ids, as the operations create them.
    const data = body.data;
    if (data?.registerExpert) ids.expert = String(data.registerExpert.expert!.id);
    if (data?.submitNeed && !query.includes('$i')) ids.need = String(data.submitNeed.need!.id);
    if (data?.createActivity && !ids.activity) ids.activity = String(data.createActivity.activity!.id);
    // Approval: the stream function matches the need (not counted: it is not the operation's request).
    if (data?.reviewNeed) {
      const repos = createRepositories(app.deps.store);
      const need = await repos.needs.require(ids.need);
      await matchAndStore(repos, need);
    }
  }
  return results;
}
