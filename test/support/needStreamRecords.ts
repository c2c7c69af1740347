/**
 * Walks needs through every status change of the workflow and counts, per change, the records DynamoDB Local's table
 * stream really emits and those that pass the stream function's event filter (issue 12, row 4). Shared by the
 * integration test (test/integration/streamRecords.test.ts) and the benchmark (test/bench/budgets/04-stream-records.ts).
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { createStreamPoller } from '../../infra/local/streamPoller.js';
import { passesFilters } from '../../infra/local/eventPattern.js';
import { makeExpertInput, makeNeedInput } from './inputs.js';

/** A GraphQL call that answers the data and throws on errors. */
export type Call = (query: string, variables: Record<string, unknown>, token: string) => Promise<Record<string, unknown>>;

/** One status change of one need and the stream records it caused (its own writes and the stream function's). */
export interface StatusChange {
  need: string;
  action: string;
  status: string;
  emitted: number;
  passing: number;
}

const FIELDS = 'id status version';
const step = (mutation: string, input: string) => `mutation ($input: ${input}!) { ${mutation}(input: $input) { need { ${FIELDS} } } }`;
const SUBMIT = step('submitNeed', 'SubmitNeedInput');
const REVIEW = step('reviewNeed', 'ReviewNeedInput');
const DISPATCH = step('dispatchNeed', 'DispatchNeedInput');
const ACCEPT = step('acceptNeed', 'AcceptNeedInput');
const START = step('startNeedService', 'StartNeedServiceInput');
const COMPLETE = step('completeNeed', 'CompleteNeedInput');
const RATE = step('rateNeed', 'RateNeedInput');
const WITHDRAW = step('withdrawNeed', 'WithdrawNeedInput');
const CLOSE = step('closeNeed', 'CloseNeedInput');
const CREATE_ORG = 'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }';
const REGISTER_EXPERT = 'mutation ($input: RegisterExpertInput!) { registerExpert(input: $input) { expert { id } } }';

interface Need {
  id: string;
  status: string;
  version: number;
}
const needOf = (data: Record<string, unknown>): Need => (Object.values(data)[0] as { need: Need }).need;

/**
 * On a table with nothing of its own yet: creates the associations (Guangdong, Guangzhou, Liwan) and one expert, then
 * takes needs through submit → approve → dispatch → accept → start → complete → rate, submit → reject,
 * submit → approve → withdraw and submit → approve → close. After each change it waits for the stream function
 * (`settle`, the app's own poller) and reads the stream with a poller of its own, unfiltered.
 */
export async function needStatusChanges(options: {
  endpoint: string;
  tableName: string;
  gql: Call;
  token: (claims: { sub: string; roles: string[]; expert?: string }) => Promise<string>;
  settle: () => Promise<void>;
  /** The event source mapping's filter patterns, as deployed. */
  filters: readonly unknown[];
}): Promise<StatusChange[]> {
  const { gql, token } = options;
  const admin = await token({ sub: 'r4-admin', roles: ['PROVINCE_ADMIN'] });
  const requester = await token({ sub: 'r4-requester', roles: ['REQUESTER'] });
  for (const [name, regionCode] of [
    ['广东省科学技术协会', '44'],
    ['广州市科学技术协会', '4401'],
    ['荔湾区科学技术协会', '440103'],
  ] as const) {
    await gql(CREATE_ORG, { input: { kind: 'ASSOCIATION', name, regionCode, contactPhone: '13800138000' } }, admin);
  }
  const registered = await gql(REGISTER_EXPERT, { input: makeExpertInput({ phone: '13700001234' }) }, await token({ sub: 'r4-expert', roles: ['EXPERT'] }));
  const expertId = (registered.registerExpert as { expert: { id: string } }).expert.id;
  const expert = await token({ sub: 'r4-expert', roles: ['EXPERT'], expert: expertId });

  const recorded: DynamoDBRecord[] = [];
  const recorder = createStreamPoller({
    endpoint: options.endpoint,
    tableName: options.tableName,
    handler: async (event) => {
      recorded.push(...event.Records);
      return { batchItemFailures: [] };
    },
  });
  const changes: StatusChange[] = [];
  try {
    await options.settle();
    await recorder.drain();
    recorded.length = 0;
    const needInput = makeNeedInput();
    const change = async (label: string, action: string, document: string, input: Record<string, unknown>, who: string, need?: Need) => {
      const next = needOf(await gql(document, { input: need ? { id: need.id, version: need.version, ...input } : input }, who));
      await options.settle();
      await recorder.drain();
      const records = recorded.splice(0);
      changes.push({
        need: label,
        action,
        status: next.status,
        emitted: records.length,
        passing: records.filter((r) => passesFilters(options.filters, r)).length,
      });
      return next;
    };

    let a = await change('A', 'SUBMIT', SUBMIT, needInput, requester);
    a = await change('A', 'APPROVE', REVIEW, { approve: true }, admin, a);
    a = await change('A', 'DISPATCH', DISPATCH, { expertIds: [expertId] }, admin, a);
    a = await change('A', 'ACCEPT', ACCEPT, {}, expert, a);
    a = await change('A', 'START', START, {}, expert, a);
    a = await change('A', 'COMPLETE', COMPLETE, { outcome: '现场指导3次，病虫害得到控制' }, expert, a);
    await change('A', 'RATE', RATE, { stars: 5 }, requester, a);
    const b = await change('B', 'SUBMIT', SUBMIT, needInput, requester);
    await change('B', 'REJECT', REVIEW, { approve: false, reason: '不属于服务范围' }, admin, b);
    let c = await change('C', 'SUBMIT', SUBMIT, needInput, requester);
    c = await change('C', 'APPROVE', REVIEW, { approve: true }, admin, c);
    await change('C', 'WITHDRAW', WITHDRAW, { reason: '已自行解决' }, requester, c);
    let d = await change('D', 'SUBMIT', SUBMIT, needInput, requester);
    d = await change('D', 'APPROVE', REVIEW, { approve: true }, admin, d);
    await change('D', 'CLOSE', CLOSE, { reason: '需求已过期' }, admin, d);
  } finally {
    await recorder.stop();
  }
  return changes;
}
